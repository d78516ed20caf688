using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Netfence.Dns.EventLoops;

/// <summary>
/// Datagrams an event loop's thread decided to send while it handled a batch (queries forwarded upstream, answers
/// to clients completed by upstream answers), sent when the handler returns with one <c>sendmmsg</c> per run of
/// datagrams to the same socket. On loopback a send also pays for the receiver's side of the delivery, but the
/// system call's entry and exit (with this kernel's mitigations, several µs on this VM) are paid once per batch
/// instead of once per datagram. One per loop, used on its thread only.
/// </summary>
/// <remarks>
/// A datagram the kernel refuses at flush time is dropped, as the network could drop it: a forwarded query then
/// times out and fails over to the next upstream, a client asks again. A queued socket is referenced until the flush,
/// so a concurrent close waits for it and its descriptor number cannot be reused by another socket meanwhile. That
/// wait is a spin in <see cref="Socket.Dispose()"/>: a socket must never be closed on the loop's own thread while its
/// outbox holds it (the server closes sockets from other threads only, and the loop flushes after every handler).
/// </remarks>
internal sealed unsafe class Outbox : IDisposable
{
    /// <summary>Datagrams held before a flush is forced.</summary>
    public const int Capacity = 64;

    /// <summary>The longest datagram queued; a longer one is sent at once on its own.</summary>
    public const int MaxDatagram = DatagramBatch.MaxDatagram;

    const int AddressSize = 28;

    readonly byte[] _payload = GC.AllocateUninitializedArray<byte>(Capacity * MaxDatagram, pinned: true);
    readonly byte[] _addresses = GC.AllocateUninitializedArray<byte>(Capacity * AddressSize, pinned: true);
    readonly SafeSocketHandle?[] _handles = new SafeSocketHandle?[Capacity];
    readonly int[] _fds = new int[Capacity];
    readonly Libc.MMsgHdr* _messages;
    readonly Libc.IoVec* _iov;
    int _count;

    public Outbox()
    {
        _messages = (Libc.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(Libc.MMsgHdr)));
        _iov = (Libc.IoVec*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(Libc.IoVec)));
        for (int i = 0; i < Capacity; i++)
        {
            _iov[i].Base = Pointer(_payload, i * MaxDatagram);
            _messages[i].Header.Iov = &_iov[i];
            _messages[i].Header.IovLength = 1;
            _messages[i].Header.Name = Pointer(_addresses, i * AddressSize);
        }
    }

    static byte* Pointer(byte[] pinned, int offset) => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)) + offset;

    /// <summary>Datagrams waiting for <see cref="Flush"/>.</summary>
    public int Count => _count;

    /// <summary>
    /// Queues <paramref name="datagram"/> to <paramref name="address"/> (a kernel sockaddr; empty on a connected socket,
    /// for its peer) on <paramref name="socket"/>.
    /// Returns false if the socket is already closed or a datagram sent at once was refused.
    /// </summary>
    public bool Queue(SafeSocketHandle socket, ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> address)
    {
        if (address.Length > AddressSize) throw new ArgumentException($"a socket address of {address.Length} octets is longer than any UDP address", nameof(address));
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        int fd = (int)socket.DangerousGetHandle();
        if (datagram.Length > MaxDatagram)
        {
            try
            {
                return DatagramBatch.SendTo(fd, datagram, address);
            }
            finally
            {
                socket.DangerousRelease();
            }
        }
        if (_count == Capacity) Flush();
        int slot = _count++;
        _handles[slot] = socket;
        _fds[slot] = fd;
        datagram.CopyTo(_payload.AsSpan(slot * MaxDatagram));
        _iov[slot].Length = (nuint)datagram.Length;
        address.CopyTo(_addresses.AsSpan(slot * AddressSize));
        _messages[slot].Header.NameLength = (uint)address.Length;
        return true;
    }

    /// <summary>Sends everything queued; returns how many datagrams the kernel refused (dropped).</summary>
    public int Flush()
    {
        int dropped = 0, at = 0;
        while (at < _count)
        {
            int fd = _fds[at], end = at + 1;
            while (end < _count && _fds[end] == fd) end++;
            dropped += DatagramBatch.SendAll(fd, _messages + at, end - at);
            at = end;
        }
        for (int i = 0; i < _count; i++)
        {
            _handles[i]!.DangerousRelease();
            _handles[i] = null;
        }
        _count = 0;
        return dropped;
    }

    public void Dispose()
    {
        Flush();
        NativeMemory.Free(_messages);
        NativeMemory.Free(_iov);
    }
}

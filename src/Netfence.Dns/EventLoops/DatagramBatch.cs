using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Netfence.Dns.EventLoops;

/// <summary>
/// Buffers for one <c>recvmmsg</c> and one <c>sendmmsg</c> of up to <see cref="Capacity"/> datagrams. One per event
/// loop, used only on its thread: a buffer per socket would cost <see cref="Capacity"/> × <see cref="MaxDatagram"/>
/// octets for every attachment. Replies queued with <see cref="QueueReply"/> go out in one <c>sendmmsg</c> on
/// <see cref="Flush"/>; each goes to the address its query came from, which stays in the receive slots until the
/// next <see cref="Receive"/>.
/// </summary>
internal sealed unsafe class DatagramBatch : IDisposable
{
    /// <summary>Datagrams read or written by one system call.</summary>
    public const int Capacity = 32;

    /// <summary>The longest datagram read (longer ones arrive cut) and the longest reply copied into a send slot.</summary>
    public const int MaxDatagram = 4096;

    // sockaddr_in6 is the largest address a UDP socket of either family reports.
    const int AddressSize = 28;

    // Pinned, so the kernel can be handed pointers into them and the parser spans over them.
    readonly byte[] _receivePayload = GC.AllocateUninitializedArray<byte>(Capacity * MaxDatagram, pinned: true);
    readonly byte[] _sendPayload = GC.AllocateUninitializedArray<byte>(Capacity * MaxDatagram, pinned: true);
    readonly byte[] _addresses = GC.AllocateUninitializedArray<byte>(Capacity * AddressSize, pinned: true);
    readonly Libc.MMsgHdr* _receive;
    readonly Libc.IoVec* _receiveIov;
    readonly Libc.MMsgHdr* _send;
    readonly Libc.IoVec* _sendIov;
    int _received;
    int _queued;

    public DatagramBatch()
    {
        _receive = (Libc.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(Libc.MMsgHdr)));
        _receiveIov = (Libc.IoVec*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(Libc.IoVec)));
        _send = (Libc.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(Libc.MMsgHdr)));
        _sendIov = (Libc.IoVec*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(Libc.IoVec)));
        for (int i = 0; i < Capacity; i++)
        {
            _receiveIov[i] = new Libc.IoVec { Base = Pointer(_receivePayload, i * MaxDatagram), Length = MaxDatagram };
            _sendIov[i] = new Libc.IoVec { Base = Pointer(_sendPayload, i * MaxDatagram) };
            _send[i].Header.Iov = &_sendIov[i];
            _send[i].Header.IovLength = 1;
        }
    }

    static byte* Pointer(byte[] pinned, int offset) => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)) + offset;

    /// <summary>
    /// Reads up to <see cref="Capacity"/> waiting datagrams from <paramref name="fd"/> without blocking. Returns how
    /// many (0 when none was waiting), or the negated errno of a failure.
    /// </summary>
    public int Receive(int fd)
    {
        _received = 0;
        for (int i = 0; i < Capacity; i++)
        {
            ref var header = ref _receive[i].Header;
            header.Name = Pointer(_addresses, i * AddressSize);
            header.NameLength = AddressSize;
            header.Iov = &_receiveIov[i];
            header.IovLength = 1;
            header.Flags = 0;
        }
        int n;
        do n = Libc.RecvMmsg(fd, _receive, Capacity, Libc.MSG_DONTWAIT, null);
        while (n < 0 && Libc.LastError == Libc.EINTR);
        if (n < 0) return Libc.LastError == Libc.EAGAIN ? 0 : -Libc.LastError;
        _received = n;
        return n;
    }

    /// <summary>The <paramref name="index"/>th datagram of the last <see cref="Receive"/> (cut at <see cref="MaxDatagram"/>).</summary>
    public Memory<byte> Payload(int index) => _receivePayload.AsMemory(index * MaxDatagram, (int)_receive[index].Length);

    /// <summary>The sender of the <paramref name="index"/>th datagram, as the kernel's sockaddr.</summary>
    public ReadOnlySpan<byte> Sender(int index) => _addresses.AsSpan(index * AddressSize, (int)_receive[index].Header.NameLength);

    /// <summary>
    /// Queues <paramref name="reply"/> to the sender of datagram <paramref name="index"/>. A reply too long for a send
    /// slot is sent at once on its own.
    /// </summary>
    public void QueueReply(int fd, int index, ReadOnlySpan<byte> reply)
    {
        if (reply.Length > MaxDatagram)
        {
            SendTo(fd, reply, Sender(index));
            return;
        }
        if (_queued == Capacity) Flush(fd);
        int slot = _queued++;
        reply.CopyTo(_sendPayload.AsSpan(slot * MaxDatagram));
        _sendIov[slot].Length = (nuint)reply.Length;
        _send[slot].Header.Name = Pointer(_addresses, index * AddressSize);
        _send[slot].Header.NameLength = _receive[index].Header.NameLength;
    }

    /// <summary>
    /// Sends every queued reply. A datagram the kernel refuses (a full send buffer) is dropped: the client asks again,
    /// as it would after any lost datagram. Returns how many were dropped.
    /// </summary>
    public int Flush(int fd)
    {
        int dropped = SendAll(fd, _send, _queued);
        _queued = 0;
        return dropped;
    }

    /// <summary>
    /// Sends <paramref name="count"/> prepared messages on <paramref name="fd"/> with as few <c>sendmmsg</c> calls as
    /// the kernel allows, without blocking; returns how many it refused (dropped).
    /// </summary>
    internal static int SendAll(int fd, Libc.MMsgHdr* messages, int count)
    {
        int dropped = 0, at = 0;
        while (at < count)
        {
            int n = Libc.SendMmsg(fd, messages + at, (uint)(count - at), Libc.MSG_DONTWAIT);
            if (n > 0)
            {
                at += n;
                continue;
            }
            if (n < 0 && Libc.LastError == Libc.EINTR) continue;
            // The first unsent datagram failed on its own (sendmmsg reports an error only when nothing was sent): skip it.
            at++;
            dropped++;
        }
        return dropped;
    }

    /// <summary>One datagram to <paramref name="address"/> (a kernel sockaddr), without blocking; false if the kernel refused it.</summary>
    public static bool SendTo(int fd, ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> address)
    {
        fixed (byte* data = datagram)
        fixed (byte* to = address)
        {
            nint n;
            do n = Libc.SendTo(fd, data, datagram.Length, Libc.MSG_DONTWAIT, to, (uint)address.Length);
            while (n < 0 && Libc.LastError == Libc.EINTR);
            return n >= 0;
        }
    }

    public void Dispose()
    {
        NativeMemory.Free(_receive);
        NativeMemory.Free(_receiveIov);
        NativeMemory.Free(_send);
        NativeMemory.Free(_sendIov);
    }
}

using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Maps;

/// <summary>
/// Reads records from a BPF ring buffer map through shared memory, as the kernel designed it:
/// page 0 of the map holds the consumer position (written by us), page 1 the producer position
/// (read-only), and the data area follows, mapped twice in a row so a record that wraps around
/// the end can still be read in one piece. Each record starts with an 8-byte header whose
/// length word carries two flags: BUSY (the producer has reserved but not yet submitted it; we
/// must stop there and not skip it, or records would be reordered) and DISCARD (the producer
/// gave it up; we skip it but still advance past it).
/// Not thread-safe: one reader per ring buffer.
/// </summary>
public sealed unsafe class RingBufferReader : IDisposable
{
    const uint BusyBit = 1u << 31;
    const uint DiscardBit = 1u << 30;
    const int HeaderSize = 8;

    readonly BpfMap _map;
    readonly nint _consumer;
    readonly nint _producer;
    readonly nuint _producerLength;
    readonly ulong _mask;
    readonly int _pageSize = Environment.SystemPageSize;
    bool _disposed;

    /// <summary>Maps the ring buffer's pages. The map must outlive the reader.</summary>
    /// <exception cref="ArgumentException">The map is not a ring buffer.</exception>
    /// <exception cref="BpfException">mmap failed.</exception>
    public RingBufferReader(BpfMap map)
    {
        if (map.Spec.Type != MapType.RingBuf)
            throw new ArgumentException($"map '{map.Name}' is a {map.Spec.Type} map, not a ring buffer", nameof(map));
        _map = map;
        _mask = map.Spec.MaxEntries - 1UL;
        _consumer = Libc.Mmap(0, (nuint)_pageSize, Libc.ProtRead | Libc.ProtWrite, Libc.MapShared, map.Fd.Value, 0);
        if (_consumer == Libc.MapFailed)
            throw new BpfException("mmap(ring buffer consumer page)", Libc.LastErrno, null, $"map '{map.Name}'");
        _producerLength = (nuint)_pageSize + 2 * (nuint)map.Spec.MaxEntries;
        _producer = Libc.Mmap(0, _producerLength, Libc.ProtRead, Libc.MapShared, map.Fd.Value, _pageSize);
        if (_producer == Libc.MapFailed)
        {
            var errno = Libc.LastErrno;
            Libc.Munmap(_consumer, (nuint)_pageSize);
            throw new BpfException("mmap(ring buffer producer pages)", errno, null, $"map '{map.Name}'");
        }
    }

    ref ulong ConsumerPosition => ref *(ulong*)_consumer;
    ref ulong ProducerPosition => ref *(ulong*)_producer;
    byte* Data => (byte*)_producer + _pageSize;

    /// <summary>Bytes submitted or reserved but not yet consumed.</summary>
    public ulong Pending
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Volatile.Read(ref ProducerPosition) - Volatile.Read(ref ConsumerPosition);
        }
    }

    /// <summary>
    /// Hands every record that is ready to <paramref name="onRecord"/> (the span is valid only
    /// during the call) and consumes it. Stops at the first record still being written.
    /// </summary>
    /// <returns>How many records were delivered (discarded ones are not counted).</returns>
    public int Read(RecordHandler onRecord)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int delivered = 0;
        ulong consumer = Volatile.Read(ref ConsumerPosition);
        while (true)
        {
            // Acquire: the record bytes below the producer position are visible after this read.
            ulong producer = Volatile.Read(ref ProducerPosition);
            if (consumer >= producer) return delivered;
            while (consumer < producer)
            {
                byte* header = Data + (consumer & _mask);
                uint length = Volatile.Read(ref *(uint*)header);
                if ((length & BusyBit) != 0) return delivered;
                uint size = length & ~(BusyBit | DiscardBit);
                consumer += (HeaderSize + size + 7UL) & ~7UL;
                if ((length & DiscardBit) == 0)
                {
                    onRecord(new ReadOnlySpan<byte>(header + HeaderSize, (int)size));
                    delivered++;
                }
                // Release: the producer may reuse the space once it sees the new position.
                Volatile.Write(ref ConsumerPosition, consumer);
            }
        }
    }

    /// <summary>Every record that is ready, copied out.</summary>
    public List<byte[]> ReadAll()
    {
        var records = new List<byte[]>();
        Read(r => records.Add(r.ToArray()));
        return records;
    }

    /// <summary>Waits until the kernel signals data (or <paramref name="timeout"/> passes); true when data is ready.</summary>
    public bool WaitForData(TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Pending > 0) return true;
        var pfd = new Libc.PollFd { Fd = _map.Fd.Value, Events = Libc.PollIn };
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            int wait = (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue);
            int rc = Libc.Poll(&pfd, 1, wait);
            if (rc > 0) return true;
            if (rc == 0) return Pending > 0;
            var errno = Libc.LastErrno;
            if (errno != Errno.EINTR) throw new BpfException("poll(ring buffer)", errno, null, $"map '{_map.Name}'");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Libc.Munmap(_producer, _producerLength);
        Libc.Munmap(_consumer, (nuint)_pageSize);
    }
}

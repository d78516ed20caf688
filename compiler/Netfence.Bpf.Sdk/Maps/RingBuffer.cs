using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Netfence.Bpf.Sdk.KernelNumbers;

namespace Netfence.Bpf.Sdk;

/// <summary>
/// BPF_MAP_TYPE_RINGBUF: records from programs to user space. Each record occupies an 8-byte header plus its data
/// rounded up to 8 bytes, as in the kernel; when they do not fit, <see cref="Output{T}"/> returns -EAGAIN.
/// </summary>
[MapType(MapRingBuf)]
public sealed class RingBuffer : BpfMap
{
    private const int HeaderSize = 8;
    private const int PageSize = 4096;

    private readonly Queue<byte[]> _records = new();
    private long _usedBytes;

    /// <summary>Declares a ring buffer of <paramref name="sizeBytes"/> bytes: a power of two and a multiple of 4096.</summary>
    public RingBuffer(uint sizeBytes, MapPinning pinning = MapPinning.None) : base(sizeBytes, MapFlags.None, pinning)
    {
        if (!BitOperations.IsPow2(sizeBytes) || sizeBytes % PageSize != 0)
            throw new ArgumentException("a ring buffer's size must be a power of two and a multiple of the page size", nameof(sizeBytes));
    }

    /// <summary>bpf_ringbuf_output with flags 0: copies <paramref name="data"/> as one record; 0 or -EAGAIN.</summary>
    [Helper(HelperRingbufOutput)]
    public long Output<T>(in T data) where T : unmanaged
    {
        var record = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in data)).ToArray();
        var footprint = RecordFootprint(Unsafe.SizeOf<T>());
        lock (Sync)
        {
            if (_usedBytes + footprint > MaxEntries)
                return -Errno.EAGAIN;
            _usedBytes += footprint;
            _records.Enqueue(record);
            return 0;
        }
    }

    /// <summary>Consumes the oldest record, as a user-space reader would, freeing its space.</summary>
    [ManagedOnly]
    public bool TryTake(out byte[] record)
    {
        lock (Sync)
        {
            if (!_records.TryDequeue(out record!))
                return false;
            _usedBytes -= RecordFootprint(record.Length);
            return true;
        }
    }

    /// <summary>The number of records not consumed yet.</summary>
    [ManagedOnly]
    public int Count
    {
        get
        {
            lock (Sync)
                return _records.Count;
        }
    }

    private static long RecordFootprint(int dataSize) => (HeaderSize + dataSize + 7) & ~7L;
}

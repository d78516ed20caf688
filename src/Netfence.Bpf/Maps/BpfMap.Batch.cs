using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Maps;

public partial class BpfMap
{
    /// <summary>Elements asked for per BPF_MAP_LOOKUP_BATCH call (grown when a hash bucket is larger).</summary>
    const int LookupChunk = 256;

    /// <summary>
    /// Writes <c>keys.Length / KeySize</c> elements (keys back to back; values back to back, each
    /// <see cref="ValueBufferSize"/> bytes). Uses BPF_MAP_UPDATE_BATCH where the kernel has it for
    /// the map type, else one update per element, with the same outcome: elements are written in
    /// order and the first failure throws the same exception, saying how many were written.
    /// </summary>
    /// <returns>The number of elements written (all of them).</returns>
    public unsafe int UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, UpdateFlags flags = UpdateFlags.Any)
    {
        int count = CountKeys(keys);
        if (values.Length != (long)count * ValueBufferSize)
            throw new ArgumentException($"map '{Name}': {count} keys need {(long)count * ValueBufferSize} bytes of values ({ValueBufferSize} each), got {values.Length}", nameof(values));
        CheckFlags(flags);
        if (count == 0) return 0;

        // The kernel's batch update takes only BPF_F_LOCK as elem_flags: NOEXIST and EXIST are
        // per-element semantics that only the per-element path can give.
        if (flags == UpdateFlags.Any && UseBatch(BpfCommand.MapUpdateBatch))
        {
            fixed (byte* k = keys, v = values)
            {
                if (TryKernelBatch(BpfCommand.MapUpdateBatch, (ulong)k, (ulong)v, count, "written")) return count;
            }
            UpdateEach(keys, values, flags, count);
            BatchSupport.Record(Spec.Type, BpfCommand.MapUpdateBatch, false);
            return count;
        }
        UpdateEach(keys, values, flags, count);
        return count;
    }

    void UpdateEach(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, UpdateFlags flags, int count)
    {
        int keySize = (int)Spec.KeySize;
        for (int i = 0; i < count; i++)
        {
            var errno = TryUpdate(keys.Slice(i * keySize, keySize), values.Slice(i * ValueBufferSize, ValueBufferSize), flags);
            if (errno != Errno.None) throw MapErrors.For(this, BpfCommand.MapUpdateBatch, errno, Progress("written", (uint)i, count));
        }
    }

    /// <summary>
    /// Deletes <c>keys.Length / KeySize</c> keys in order. A missing key stops the batch with
    /// <see cref="MapKeyNotFoundException"/> saying how many were deleted, on both paths.
    /// </summary>
    /// <returns>The number of keys deleted (all of them).</returns>
    public unsafe int DeleteBatch(ReadOnlySpan<byte> keys)
    {
        int count = CountKeys(keys);
        if (count == 0) return 0;
        if (UseBatch(BpfCommand.MapDeleteBatch))
        {
            fixed (byte* k = keys)
            {
                if (TryKernelBatch(BpfCommand.MapDeleteBatch, (ulong)k, 0, count, "deleted")) return count;
            }
            DeleteEach(keys, count);
            BatchSupport.Record(Spec.Type, BpfCommand.MapDeleteBatch, false);
            return count;
        }
        DeleteEach(keys, count);
        return count;
    }

    /// <summary>
    /// Runs an update or delete batch in the kernel. True when it did every element; false when
    /// the kernel refused the command up front and the caller should go per element; throws for
    /// a failure part-way, saying how far it got.
    /// </summary>
    bool TryKernelBatch(BpfCommand command, ulong keys, ulong values, int count, string verb)
    {
        var attr = new MapBatchAttr { Keys = keys, Values = values, Count = (uint)count, MapFd = (uint)Fd.Value };
        if (BpfSyscall.Try(command, ref attr, out var errno) >= 0)
        {
            BatchSupport.Record(Spec.Type, command, true);
            return true;
        }
        var done = Processed(attr.Count, count);
        if (!RefusedBeforeStarting(command, errno, done))
            throw MapErrors.For(this, command, errno, Progress(verb, done, count));
        return false;
    }

    void DeleteEach(ReadOnlySpan<byte> keys, int count)
    {
        int keySize = (int)Spec.KeySize;
        for (int i = 0; i < count; i++)
        {
            var errno = TryDelete(keys.Slice(i * keySize, keySize));
            if (errno != Errno.None) throw MapErrors.For(this, BpfCommand.MapDeleteBatch, errno, Progress("deleted", (uint)i, count));
        }
    }

    /// <summary>
    /// Every element, read with BPF_MAP_LOOKUP_BATCH where the kernel has it for the map type,
    /// else by walking the keys and looking each up (the results are the same set).
    /// </summary>
    public List<(byte[] Key, byte[] Value)> LookupBatch()
    {
        if (UseBatch(BpfCommand.MapLookupBatch))
        {
            var result = TryLookupAllBatched();
            if (result is not null)
            {
                BatchSupport.Record(Spec.Type, BpfCommand.MapLookupBatch, true);
                return result;
            }
            var entries = Entries().ToList();
            BatchSupport.Record(Spec.Type, BpfCommand.MapLookupBatch, false);
            return entries;
        }
        return Entries().ToList();
    }

    /// <summary>Every element via BPF_MAP_LOOKUP_BATCH; null when the kernel refused the command up front.</summary>
    unsafe List<(byte[] Key, byte[] Value)>? TryLookupAllBatched()
    {
        int keySize = (int)Spec.KeySize;
        // Hash maps use a u32 bucket cursor, other types a key: room for either.
        var inBatch = new byte[Math.Max(keySize, 8)];
        var outBatch = new byte[inBatch.Length];
        var all = new List<(byte[], byte[])>();
        int chunk = LookupChunk;
        bool first = true;
        while (true)
        {
            var keys = new byte[chunk * keySize];
            var values = new byte[(long)chunk * ValueBufferSize];
            Errno errno;
            uint got;
            fixed (byte* pin = inBatch, pout = outBatch, k = keys, v = values)
            {
                var attr = new MapBatchAttr
                {
                    InBatch = first ? 0 : (ulong)pin, OutBatch = (ulong)pout, Keys = (ulong)k, Values = (ulong)v,
                    Count = (uint)chunk, MapFd = (uint)Fd.Value,
                };
                bool ok = BpfSyscall.Try(BpfCommand.MapLookupBatch, ref attr, out errno) >= 0;
                got = attr.Count;
                if (ok) errno = Errno.None;
            }
            if (errno == Errno.ENOSPC && got == 0)
            {
                // One hash bucket holds more elements than the chunk: ask again with more room.
                chunk *= 2;
                continue;
            }
            if (errno != Errno.None && errno != Errno.ENOENT)
            {
                if (first && RefusedBeforeStarting(BpfCommand.MapLookupBatch, errno, 0)) return null;
                throw MapErrors.For(this, BpfCommand.MapLookupBatch, errno, $"after {all.Count} elements were read");
            }
            for (int i = 0; i < got; i++)
                all.Add((keys.AsSpan(i * keySize, keySize).ToArray(), values.AsSpan(i * ValueBufferSize, ValueBufferSize).ToArray()));
            // ENOENT means the walk reached the end (possibly with a last partial batch).
            if (errno == Errno.ENOENT) return all;
            outBatch.CopyTo(inBatch, 0);
            first = false;
        }
    }

    /// <summary>
    /// The elements a failed batch got through. The kernel writes <c>count</c> back only once it
    /// has started on the elements; a command refused up front leaves our input there.
    /// </summary>
    static uint Processed(uint reported, int requested) => reported >= requested ? 0 : reported;

    /// <summary>
    /// True when a failed batch should be retried per element: nothing was processed and the
    /// errno can mean "no batch command for this map type". ENOTSUPP/EOPNOTSUPP say so plainly
    /// and are cached at once; EINVAL is ambiguous (also a bad element), so the per-element
    /// path decides and the caller caches only if it succeeds.
    /// </summary>
    bool RefusedBeforeStarting(BpfCommand command, Errno errno, uint processed)
    {
        if (processed != 0 || !BatchSupport.MeansUnsupported(errno) || BatchSupport.IsSupported(Spec.Type, command) is not null) return false;
        if (errno != Errno.EINVAL) BatchSupport.Record(Spec.Type, command, false);
        return true;
    }

    bool UseBatch(BpfCommand command) =>
        BatchMode == BatchMode.Auto && BatchSupport.IsSupported(Spec.Type, command) != false;

    int CountKeys(ReadOnlySpan<byte> keys)
    {
        if (Spec.KeySize == 0) throw new InvalidOperationException($"map '{Name}' ({Spec.Type}) has no keys");
        if (keys.Length % Spec.KeySize != 0)
            throw new ArgumentException($"map '{Name}' has {Spec.KeySize}-byte keys; {keys.Length} bytes is not a whole number of keys", nameof(keys));
        return (int)(keys.Length / Spec.KeySize);
    }

    static string Progress(string verb, uint done, int total) => $"{done} of {total} elements {verb} before the failure";
}

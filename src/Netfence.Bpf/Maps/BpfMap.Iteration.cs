namespace Netfence.Bpf.Maps;

public partial class BpfMap
{
    /// <summary>
    /// Every key, each exactly once, walking BPF_MAP_GET_NEXT_KEY. The next key is fetched
    /// before a key is handed out, so deleting the key just received (a sweep) does not disturb
    /// the walk. When the cursor key is deleted by someone else, the kernel restarts from the
    /// first key (hash maps and tries do); keys already returned are then skipped. A map that
    /// keeps changing under the walk could restart forever, so the walk gives up with
    /// <see cref="MapIterationAbortedException"/> after a bounded number of steps.
    /// </summary>
    public IEnumerable<byte[]> Keys()
    {
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        long limit = Math.Max(1024L, Spec.MaxEntries * 4L), steps = 0;
        var current = new byte[Spec.KeySize];
        if (!TryGetNextKey(ReadOnlySpan<byte>.Empty, current)) yield break;
        while (true)
        {
            byte[]? next = new byte[Spec.KeySize];
            if (!TryGetNextKey(current, next)) next = null;
            if (++steps > limit)
                throw new MapIterationAbortedException(Name, steps);
            if (seen.Add(current)) yield return current;
            if (next is null) yield break;
            current = next;
        }
    }

    /// <summary>
    /// Every key with its value (raw bytes; per-CPU values in the kernel's per-CPU layout). A
    /// key deleted between the walk and the lookup is left out rather than reported.
    /// </summary>
    public IEnumerable<(byte[] Key, byte[] Value)> Entries()
    {
        foreach (var key in Keys())
        {
            var value = new byte[ValueBufferSize];
            if (TryLookup(key, value)) yield return (key, value);
        }
    }
}

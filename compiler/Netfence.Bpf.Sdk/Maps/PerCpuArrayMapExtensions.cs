using static Netfence.Bpf.Sdk.KernelNumbers;

namespace Netfence.Bpf.Sdk;

/// <summary>Counter operations on per-CPU arrays.</summary>
public static class PerCpuArrayMapExtensions
{
    /// <summary>
    /// Adds <paramref name="delta"/> to this CPU's counter at <paramref name="index"/> in one call: the compiler emits
    /// a lookup and, when found, a plain add through the pointer (no atomics: the slot belongs to this CPU). Returns
    /// false, changing nothing, for an index past the end.
    /// </summary>
    [Helper(HelperMapLookupElem)]
    public static bool Increment(this PerCpuArrayMap<ulong> map, uint index, ulong delta = 1)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.WithSlot(index, (ref ulong slot) => slot += delta);
    }
}

using System.Numerics;

namespace Netfence.Bpf.Maps;

/// <summary>Sums of per-CPU values, for counters.</summary>
public static class PerCpuMapSums
{
    /// <summary>The sum over all CPUs of a key's values; null when the key is absent.</summary>
    public static TValue? LookupSum<TKey, TValue>(this PerCpuBpfMap<TKey, TValue> map, in TKey key)
        where TKey : unmanaged
        where TValue : unmanaged, IAdditionOperators<TValue, TValue, TValue>, IAdditiveIdentity<TValue, TValue>
    {
        var values = map.Lookup(in key);
        if (values is null) return null;
        var sum = TValue.AdditiveIdentity;
        foreach (var v in values) sum += v;
        return sum;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Netfence.Bpf.Maps;

/// <summary>
/// A per-CPU map (per-CPU array or hash) with typed keys and values. Each key has one value per
/// possible CPU; reads return them all, in CPU order, and <see cref="PerCpuMapSums.LookupSum{TKey, TValue}"/>
/// adds them up for counters.
/// </summary>
public sealed class PerCpuBpfMap<TKey, TValue> : IDisposable
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>Wraps a raw per-CPU map, taking ownership.</summary>
    public PerCpuBpfMap(BpfMap raw)
    {
        if (!raw.Spec.IsPerCpu)
            throw new ArgumentException($"map '{raw.Name}' is not per-CPU ({raw.Spec.Type}): use BpfMap<{typeof(TKey).Name}, {typeof(TValue).Name}>", nameof(raw));
        BpfMap<TKey, TValue>.CheckSize<TKey>(raw, raw.Spec.KeySize, "key");
        BpfMap<TKey, TValue>.CheckSize<TValue>(raw, raw.Spec.ValueSize, "value");
        Raw = raw;
    }

    /// <summary>The untyped map underneath.</summary>
    public BpfMap Raw { get; }

    public string Name => Raw.Name;

    /// <summary>How many values each key has: the possible CPUs.</summary>
    public int CpuCount => PossibleCpus.Count;

    /// <summary>Creates a per-CPU array of <paramref name="maxEntries"/> slots of <typeparamref name="TValue"/>.</summary>
    public static PerCpuBpfMap<uint, TValue> CreateArray(string name, uint maxEntries) =>
        new(BpfMap.Create(MapSpec.PerCpuArray(name, (uint)Unsafe.SizeOf<TValue>(), maxEntries)));

    /// <summary>Creates a per-CPU hash map.</summary>
    public static PerCpuBpfMap<TKey, TValue> CreateHash(string name, uint maxEntries) =>
        new(BpfMap.Create(MapSpec.PerCpuHash(name, (uint)Unsafe.SizeOf<TKey>(), (uint)Unsafe.SizeOf<TValue>(), maxEntries)));

    /// <summary>Each CPU's value for a key, indexed by CPU; null when the key is absent.</summary>
    public TValue[]? Lookup(in TKey key)
    {
        var buffer = new byte[Raw.ValueBufferSize];
        if (!Raw.TryLookup(BpfMap<TKey, TValue>.AsBytes(in key), buffer)) return null;
        return PerCpuLayout.Split<TValue>(buffer, CpuCount);
    }

    /// <summary>Sets each CPU's value for a key (<paramref name="perCpu"/> has one value per possible CPU).</summary>
    public void Update(in TKey key, ReadOnlySpan<TValue> perCpu, UpdateFlags flags = UpdateFlags.Any)
    {
        if (perCpu.Length != CpuCount)
            throw new ArgumentException($"per-CPU map '{Name}' needs {CpuCount} values (one per possible CPU), got {perCpu.Length}", nameof(perCpu));
        var buffer = new byte[Raw.ValueBufferSize];
        PerCpuLayout.Join(perCpu, buffer);
        Raw.Update(BpfMap<TKey, TValue>.AsBytes(in key), buffer, flags);
    }

    /// <summary>Sets every CPU's value for a key to the same value (e.g. zeroing a counter).</summary>
    public void UpdateAll(in TKey key, TValue value, UpdateFlags flags = UpdateFlags.Any)
    {
        var values = new TValue[CpuCount];
        System.Array.Fill(values, value);
        Update(in key, values, flags);
    }

    /// <summary>Deletes a key (per-CPU hash maps; arrays cannot delete).</summary>
    public bool Delete(in TKey key) => Raw.Delete(BpfMap<TKey, TValue>.AsBytes(in key));

    /// <summary>Every key with its per-CPU values.</summary>
    public IEnumerable<KeyValuePair<TKey, TValue[]>> Entries() =>
        Raw.Entries().Select(e => new KeyValuePair<TKey, TValue[]>(MemoryMarshal.Read<TKey>(e.Key), PerCpuLayout.Split<TValue>(e.Value, CpuCount)));

    /// <inheritdoc />
    public void Dispose() => Raw.Dispose();
}

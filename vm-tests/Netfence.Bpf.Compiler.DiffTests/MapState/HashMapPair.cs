using Netfence.Bpf.Maps;
using Netfence.Bpf.Sdk;
using KernelMap = Netfence.Bpf.Maps.BpfMap;

namespace Netfence.Bpf.Compiler.DiffTests.MapState;

/// <summary>A hash map seeded with <paramref name="Seeds"/>; compared entry by entry, keys byte for byte.</summary>
public sealed record HashSetup<TKey, TValue>(string Field, IReadOnlyList<(TKey Key, TValue Value)> Seeds, bool ResetEachCase = true)
    : MapSetup(Field, ResetEachCase) where TKey : unmanaged where TValue : unmanaged
{
    /// <inheritdoc />
    public override IMapPair Pair(object managed, KernelMap kernel, DeterministicBpfRuntime runtime) =>
        new HashMapPair<TKey, TValue>(this, (HashMap<TKey, TValue>)managed, new BpfMap<TKey, TValue>(kernel));
}

internal sealed class HashMapPair<TKey, TValue>(HashSetup<TKey, TValue> setup, HashMap<TKey, TValue> managed, BpfMap<TKey, TValue> kernel)
    : IMapPair where TKey : unmanaged where TValue : unmanaged
{
    public string Name => setup.Field;

    public bool ResetEachCase => setup.ResetEachCase;

    public void Reset()
    {
        foreach (var entry in managed.Entries())
            managed.Delete(entry.Key);
        foreach (var key in kernel.Keys().ToList())
            kernel.Delete(key);
        foreach (var (key, value) in setup.Seeds)
        {
            managed.Update(key, value);
            kernel.Update(key, value);
        }
    }

    // The kernel side in batches (one or two syscalls rather than two per entry) where the kernel has them.
    public string? Difference() => Bytes.Compare(Name,
        kernel.LookupBatch().ToDictionary(e => Bytes.Hex(e.Key), e => Bytes.Hex(e.Value)),
        managed.Entries().ToDictionary(e => Bytes.Hex(e.Key), e => Bytes.Hex(e.Value)));
}

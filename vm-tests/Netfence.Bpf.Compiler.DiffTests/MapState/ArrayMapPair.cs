using Netfence.Bpf.Maps;
using Netfence.Bpf.Sdk;
using KernelMap = Netfence.Bpf.Maps.BpfMap;

namespace Netfence.Bpf.Compiler.DiffTests.MapState;

/// <summary>An array whose listed indexes are seeded (the rest zero); compared index by index.</summary>
public sealed record ArraySetup<TValue>(string Field, IReadOnlyList<(uint Index, TValue Value)> Seeds, bool ResetEachCase = true)
    : MapSetup(Field, ResetEachCase) where TValue : unmanaged
{
    /// <inheritdoc />
    public override IMapPair Pair(object managed, KernelMap kernel, DeterministicBpfRuntime runtime) =>
        new ArrayMapPair<TValue>(this, (ArrayMap<TValue>)managed, new BpfMap<uint, TValue>(kernel));

    /// <summary>The seeded value of <paramref name="index"/>.</summary>
    public TValue ValueAt(uint index) => IndexedSeeds.ValueAt(Seeds, index);
}

internal sealed class ArrayMapPair<TValue>(ArraySetup<TValue> setup, ArrayMap<TValue> managed, BpfMap<uint, TValue> kernel)
    : IMapPair where TValue : unmanaged
{
    public string Name => setup.Field;

    public bool ResetEachCase => setup.ResetEachCase;

    public void Reset()
    {
        for (uint index = 0; index < managed.MaxEntries; index++)
        {
            var value = setup.ValueAt(index);
            managed.Update(index, value);
            kernel.Update(index, value);
        }
    }

    public string? Difference()
    {
        var kernelValues = new Dictionary<string, string>();
        var managedValues = new Dictionary<string, string>();
        for (uint index = 0; index < managed.MaxEntries; index++)
        {
            if (kernel.TryLookup(index, out var k))
                kernelValues[$"[{index}]"] = Bytes.Hex(k);
            if (managed.TryLookup(index, out var m))
                managedValues[$"[{index}]"] = Bytes.Hex(m);
        }
        return Bytes.Compare(Name, kernelValues, managedValues);
    }
}

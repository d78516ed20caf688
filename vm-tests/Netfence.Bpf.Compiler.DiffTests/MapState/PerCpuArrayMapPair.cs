using Netfence.Bpf.Maps;
using Netfence.Bpf.Sdk;
using KernelMap = Netfence.Bpf.Maps.BpfMap;

namespace Netfence.Bpf.Compiler.DiffTests.MapState;

/// <summary>
/// A per-CPU array seeded with the same value on every CPU. A test run executes on whichever CPU the calling thread
/// is on while .NET runs on CPU 0 of the deterministic runtime, so each index is compared as the multiset of its
/// per-CPU values: equal when one CPU's slot changed the same way on both sides.
/// </summary>
public sealed record PerCpuArraySetup<TValue>(string Field, IReadOnlyList<(uint Index, TValue Value)> Seeds, bool ResetEachCase = true)
    : MapSetup(Field, ResetEachCase) where TValue : unmanaged
{
    /// <inheritdoc />
    public override IMapPair Pair(object managed, KernelMap kernel, DeterministicBpfRuntime runtime) =>
        new PerCpuArrayMapPair<TValue>(this, (PerCpuArrayMap<TValue>)managed, new PerCpuBpfMap<uint, TValue>(kernel), runtime);

    /// <summary>The seeded value of <paramref name="index"/>.</summary>
    public TValue ValueAt(uint index) => IndexedSeeds.ValueAt(Seeds, index);
}

internal sealed class PerCpuArrayMapPair<TValue>(
    PerCpuArraySetup<TValue> setup, PerCpuArrayMap<TValue> managed, PerCpuBpfMap<uint, TValue> kernel, DeterministicBpfRuntime runtime)
    : IMapPair where TValue : unmanaged
{
    public string Name => setup.Field;

    public bool ResetEachCase => setup.ResetEachCase;

    public void Reset()
    {
        var cpu = runtime.Cpu;
        for (uint index = 0; index < managed.MaxEntries; index++)
        {
            var value = setup.ValueAt(index);
            kernel.UpdateAll(index, value);
            for (var slot = 0u; slot < runtime.Cpus; slot++)
            {
                runtime.Cpu = slot;
                managed.Update(index, value);
            }
        }
        runtime.Cpu = cpu;
    }

    public string? Difference()
    {
        var kernelValues = new Dictionary<string, string>();
        var managedValues = new Dictionary<string, string>();
        for (uint index = 0; index < managed.MaxEntries; index++)
        {
            kernelValues[$"[{index}]"] = Multiset(kernel.Lookup(index) ?? []);
            managedValues[$"[{index}]"] = Multiset(managed.ReadAllCpus(index));
        }
        return Bytes.Compare(Name, kernelValues, managedValues);
    }

    private static string Multiset(TValue[] values) =>
        "{" + string.Join(",", values.Select(v => Bytes.Hex(v)).Order(StringComparer.Ordinal)) + "}";
}

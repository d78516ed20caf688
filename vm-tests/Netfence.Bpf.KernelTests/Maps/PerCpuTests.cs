using Netfence.Bpf.Maps;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Maps;

public class PerCpuTests
{
    [KernelFact]
    public void Per_cpu_array_values_are_read_per_cpu_and_summed()
    {
        using var map = PerCpuBpfMap<uint, ulong>.CreateArray(MapNames.Unique("p"), 4);
        int cpus = PossibleCpus.Count;
        Assert.Equal(cpus, map.CpuCount);
        Assert.Equal(cpus * 8, map.Raw.ValueBufferSize);

        var values = Enumerable.Range(1, cpus).Select(i => (ulong)i * 100).ToArray();
        map.Update(1, values);
        Assert.Equal(values, map.Lookup(1));
        Assert.Equal(values.Aggregate(0ul, (a, b) => a + b), map.LookupSum(1u));
        Assert.Equal(0ul, map.LookupSum(0u));
        Assert.Null(map.LookupSum(9u));

        map.UpdateAll(1, 0);
        Assert.All(map.Lookup(1)!, v => Assert.Equal(0ul, v));
    }

    [KernelFact]
    public void Per_cpu_values_smaller_than_eight_bytes_are_padded_per_cpu()
    {
        using var map = PerCpuBpfMap<uint, uint>.CreateArray(MapNames.Unique("p"), 1);
        int cpus = map.CpuCount;
        var values = Enumerable.Range(0, cpus).Select(i => 0xA0000000u + (uint)i).ToArray();
        map.Update(0, values);
        Assert.Equal(values, map.Lookup(0));
        Assert.Equal(cpus * 8, map.Raw.ValueBufferSize);
    }

    [KernelFact]
    public void Per_cpu_hash_round_trips_and_rejects_the_wrong_value_count()
    {
        using var map = PerCpuBpfMap<ulong, uint>.CreateHash(MapNames.Unique("p"), 8);
        map.UpdateAll(5, 3);
        Assert.Equal((uint)(3 * map.CpuCount), map.LookupSum(5ul));
        Assert.Single(map.Entries());
        Assert.True(map.Delete(5));
        var e = Assert.Throws<ArgumentException>(() => map.Update(6, new uint[map.CpuCount + 1]));
        Assert.Contains("one per possible CPU", e.Message);
    }

    [KernelFact]
    public void Per_cpu_maps_refuse_the_plain_typed_wrapper()
    {
        var raw = BpfMap.Create(MapSpec.PerCpuArray(MapNames.Unique("p"), 8, 1));
        try
        {
            Assert.Contains("use PerCpuBpfMap", Assert.Throws<ArgumentException>(() => new BpfMap<uint, ulong>(raw)).Message);
        }
        finally
        {
            raw.Dispose();
        }
    }
}

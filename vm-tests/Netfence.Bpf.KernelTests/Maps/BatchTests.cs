using Netfence.Sandbox;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Syscalls;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Maps;

public class BatchTests
{
    static BpfMap Create(MapType type, string name, uint max) => type switch
    {
        MapType.Hash => BpfMap.Create(MapSpec.Hash(name, 4, 8, max)),
        // An LRU hash may evict before it holds max_entries: each CPU keeps a local list of free nodes taken from the
        // shared one (up to 128, LRU_LOCAL_LIST_TARGET_FREE), so inserts from a thread that moves between CPUs can find
        // none free while other CPUs still hold some. 6.1 did so with 100 of 100; the headroom keeps the test about
        // batching, not about eviction.
        MapType.LruHash => BpfMap.Create(MapSpec.LruHash(name, 4, 8, max + 256 * (uint)Environment.ProcessorCount)),
        MapType.Array => BpfMap.Create(MapSpec.Array(name, 8, max)),
        MapType.PerCpuHash => BpfMap.Create(MapSpec.PerCpuHash(name, 4, 8, max)),
        MapType.LpmTrie => BpfMap.Create(new MapSpec { Name = name, Type = MapType.LpmTrie, KeySize = 8, ValueSize = 8, MaxEntries = max, Flags = MapFlags.NoPrealloc }),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    static (byte[] Keys, byte[] Values) Elements(BpfMap map, int count)
    {
        var keys = new byte[count * map.Spec.KeySize];
        var values = new byte[count * map.ValueBufferSize];
        for (int i = 0; i < count; i++)
        {
            if (map.Spec.Type == MapType.LpmTrie)
                LpmKeyLayout.IPv4.Key(new System.Net.IPNetwork(new System.Net.IPAddress(new byte[] { 10, (byte)i, 0, 0 }), 16)).CopyTo(keys, i * 8);
            else
                BitConverter.GetBytes((uint)(map.Spec.Type == MapType.Array ? i : i * 7 + 1)).CopyTo(keys, i * 4);
            for (int b = 0; b < map.ValueBufferSize; b += 8)
                BitConverter.GetBytes((ulong)(i * 1000 + b)).CopyTo(values, i * map.ValueBufferSize + b);
        }
        return (keys, values);
    }

    static List<string> Snapshot(BpfMap map) =>
        map.LookupBatch().Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)).Order().ToList();

    [KernelTheory]
    [InlineData(MapType.Hash, 600)]
    [InlineData(MapType.LruHash, 100)]
    [InlineData(MapType.Array, 300)]
    [InlineData(MapType.PerCpuHash, 300)]
    [InlineData(MapType.LpmTrie, 200)]
    public void Batch_and_forced_fallback_give_identical_results(MapType type, int count)
    {
        using var batched = Create(type, MapNames.Unique("b"), (uint)count);
        using var fallback = Create(type, MapNames.Unique("e"), (uint)count);
        fallback.BatchMode = BatchMode.PerElement;
        var (keys, values) = Elements(batched, count);

        Assert.Equal(count, batched.UpdateBatch(keys, values));
        Assert.Equal(count, fallback.UpdateBatch(keys, values));
        var snapshot = Snapshot(batched);
        Assert.Equal(count, snapshot.Count);
        Assert.Equal(snapshot, Snapshot(fallback));
        Assert.Equal(snapshot, batched.Entries().Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)).Order().ToList());

        if (type == MapType.Array)
        {
            // Arrays cannot delete on either path, and both say so the same way.
            var a = Assert.Throws<BpfException>(() => batched.DeleteBatch(keys.AsSpan(0, 8)));
            var b = Assert.Throws<BpfException>(() => fallback.DeleteBatch(keys.AsSpan(0, 8)));
            Assert.Equal(a.Errno, b.Errno);
            return;
        }
        int half = count / 2 * (int)batched.Spec.KeySize;
        Assert.Equal(count / 2, batched.DeleteBatch(keys.AsSpan(0, half)));
        Assert.Equal(count / 2, fallback.DeleteBatch(keys.AsSpan(0, half)));
        Assert.Equal(Snapshot(batched), Snapshot(fallback));
        Assert.Equal(count - count / 2, Snapshot(batched).Count);

        // Deleting an absent key stops both paths the same way.
        var be = Assert.Throws<MapKeyNotFoundException>(() => batched.DeleteBatch(keys.AsSpan(0, half)));
        var fe = Assert.Throws<MapKeyNotFoundException>(() => fallback.DeleteBatch(keys.AsSpan(0, half)));
        Assert.Contains("0 of", be.Message);
        Assert.Contains("0 of", fe.Message);
    }

    [KernelFact]
    public void Noexist_in_a_batch_fails_the_same_on_both_paths()
    {
        using var batched = Create(MapType.Hash, MapNames.Unique("b"), 16);
        using var fallback = Create(MapType.Hash, MapNames.Unique("e"), 16);
        fallback.BatchMode = BatchMode.PerElement;
        var (keys, values) = Elements(batched, 4);
        batched.Update(keys.AsSpan(8, 4), values.AsSpan(16, 8));
        fallback.Update(keys.AsSpan(8, 4), values.AsSpan(16, 8));

        var a = Assert.Throws<MapKeyExistsException>(() => batched.UpdateBatch(keys, values, UpdateFlags.NoExist));
        var b = Assert.Throws<MapKeyExistsException>(() => fallback.UpdateBatch(keys, values, UpdateFlags.NoExist));
        Assert.Contains("2 of 4 elements written", a.Message);
        Assert.Contains("2 of 4 elements written", b.Message);
        Assert.Equal(Snapshot(batched), Snapshot(fallback));
    }

    [KernelFact]
    public void Kernel_answers_are_cached_per_map_type()
    {
        using var hash = Create(MapType.Hash, MapNames.Unique("b"), 8);
        using var array = Create(MapType.Array, MapNames.Unique("b"), 8);
        var (hk, hv) = Elements(hash, 2);
        hash.UpdateBatch(hk, hv);
        hash.LookupBatch();
        Assert.True(BatchSupport.IsSupported(MapType.Hash, BpfCommand.MapUpdateBatch));
        Assert.True(BatchSupport.IsSupported(MapType.Hash, BpfCommand.MapLookupBatch));
        // Arrays have no batch delete (the kernel answers ENOTSUPP); the answer is kept for the type.
        Assert.Throws<BpfException>(() => array.DeleteBatch(new byte[4]));
        Assert.False(BatchSupport.IsSupported(MapType.Array, BpfCommand.MapDeleteBatch));
    }

    [KernelFact]
    public void Typed_batches_round_trip()
    {
        using var map = BpfMap<uint, ulong>.CreateHash(MapNames.Unique("t"), 64);
        var keys = Enumerable.Range(0, 50).Select(i => (uint)i).ToArray();
        var values = keys.Select(k => (ulong)k << 33).ToArray();
        map.UpdateBatch(keys, values);
        Assert.Equal(keys.Zip(values).ToDictionary(p => p.First, p => p.Second), map.LookupBatch().ToDictionary());
        Assert.Equal(10, map.DeleteBatch(keys.AsSpan(0, 10)));
        Assert.Equal(40, map.LookupBatch().Count);
    }
}

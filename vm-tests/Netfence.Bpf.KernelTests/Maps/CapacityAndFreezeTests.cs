using Netfence.Bpf.Maps;
using Netfence.Bpf.Syscalls;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Maps;

public class CapacityAndFreezeTests
{
    [KernelFact]
    public void A_full_hash_map_says_it_is_full()
    {
        var name = MapNames.Unique("f");
        using var map = BpfMap<uint, uint>.CreateHash(name, 2);
        map.Update(1, 1);
        map.Update(2, 2);
        var e = Assert.Throws<MapFullException>(() => map.Update(3, 3));
        Assert.Contains("map is full", e.Message);
        Assert.Contains($"map '{name}'", e.Message);
        Assert.Equal(2u, e.MaxEntries);
        // Replacing an existing key still works in a full map.
        map.Update(2, 20);
        Assert.Equal(20u, map.Lookup(2));
    }

    [KernelFact]
    public void A_full_lpm_trie_says_it_is_full()
    {
        using var trie = BpfMap.Create(MapSpec.LpmTrie(MapNames.Unique("f"), LpmKeyLayout.IPv4, 4, 1));
        trie.Update(LpmKeyLayout.IPv4.Key("10.0.0.0/8"), new byte[4]);
        var e = Assert.Throws<MapFullException>(() => trie.Update(LpmKeyLayout.IPv4.Key("11.0.0.0/8"), new byte[4]));
        Assert.Equal(Errno.ENOSPC, e.Errno);
        Assert.Contains("map is full", e.Message);
    }

    [KernelFact]
    public void A_full_map_in_a_batch_says_it_is_full_and_how_far_it_got()
    {
        using var map = BpfMap<uint, uint>.CreateHash(MapNames.Unique("f"), 2);
        var e = Assert.Throws<MapFullException>(() => map.UpdateBatch([1u, 2u, 3u], [1u, 2u, 3u]));
        Assert.Contains("2 of 3 elements written", e.Message);
    }

    [KernelFact]
    public void A_frozen_map_refuses_updates_and_deletes_clearly_but_still_reads()
    {
        var name = MapNames.Unique("z");
        using var map = BpfMap<uint, uint>.CreateHash(name, 4);
        map.Update(1, 10);
        Assert.False(map.Raw.IsFrozen());
        map.Freeze();
        Assert.True(map.Raw.IsFrozen());

        var update = Assert.Throws<MapFrozenException>(() => map.Update(1, 11));
        Assert.Contains($"map '{name}' is frozen", update.Message);
        Assert.Equal(Errno.EPERM, update.Errno);
        Assert.Throws<MapFrozenException>(() => map.Delete(1));
        Assert.Throws<MapFrozenException>(() => map.UpdateBatch([2u], [2u]));
        Assert.Equal(10u, map.Lookup(1));
    }

    [KernelFact]
    public void Wrong_struct_sizes_are_refused_when_wrapping()
    {
        var raw = BpfMap.Create(MapSpec.Hash(MapNames.Unique("s"), 8, 4, 1));
        try
        {
            var e = Assert.Throws<ArgumentException>(() => new BpfMap<uint, uint>(raw));
            Assert.Contains("8-byte keys but UInt32 is 4 bytes", e.Message);
        }
        finally
        {
            raw.Dispose();
        }
    }
}

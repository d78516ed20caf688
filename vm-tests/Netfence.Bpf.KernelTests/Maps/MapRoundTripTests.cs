using System.Net.Sockets;
using System.Runtime.InteropServices;
using Netfence.Bpf.Maps;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Maps;

[StructLayout(LayoutKind.Sequential)]
public record struct FlowKey(uint Address, ushort Port, ushort Protocol);

public class MapRoundTripTests
{
    [KernelTheory]
    [InlineData(MapType.Hash)]
    [InlineData(MapType.LruHash)]
    public void Hash_maps_round_trip_with_noexist_and_exist(MapType type)
    {
        var name = MapNames.Unique("h");
        using var map = type == MapType.Hash ? BpfMap<FlowKey, ulong>.CreateHash(name, 16) : BpfMap<FlowKey, ulong>.CreateLruHash(name, 16);
        var a = new FlowKey(0x0a000001, 443, 6);
        var b = new FlowKey(0x0a000002, 53, 17);

        Assert.False(map.TryLookup(a, out _));
        Assert.True(map.TryAdd(a, 1));
        Assert.False(map.TryAdd(a, 99));
        Assert.Equal(1ul, map.Lookup(a));
        Assert.True(map.TryReplace(a, 2));
        Assert.False(map.TryReplace(b, 3));
        Assert.False(map.TryLookup(b, out _));

        var exists = Assert.Throws<MapKeyExistsException>(() => map.Update(a, 5, UpdateFlags.NoExist));
        Assert.Contains($"map '{name}'", exists.Message);
        var missing = Assert.Throws<MapKeyNotFoundException>(() => map.Update(b, 5, UpdateFlags.Exist));
        Assert.Contains($"map '{name}'", missing.Message);

        map.Update(b, 7);
        Assert.Equal(new[] { a, b }.OrderBy(k => k.Address), map.Keys().OrderBy(k => k.Address));
        Assert.Equal(new Dictionary<FlowKey, ulong> { [a] = 2, [b] = 7 }, map.Entries().ToDictionary());

        Assert.True(map.Delete(a));
        Assert.False(map.Delete(a));
        Assert.Equal([b], map.Keys());
        Assert.Throws<MapKeyNotFoundException>(() => map.Lookup(a));
    }

    [KernelFact]
    public void Array_map_has_every_index_and_cannot_delete()
    {
        using var map = new BpfMap<uint, ulong>(BpfMap.Create(MapSpec.Array(MapNames.Unique("a"), 8, 4)));
        Assert.Equal(new uint[] { 0, 1, 2, 3 }, map.Keys());
        Assert.Equal(0ul, map.Lookup(2));
        map.Update(2, 42, UpdateFlags.Exist);
        Assert.Equal(42ul, map.Lookup(2));
        // Array slots always exist: NOEXIST can never succeed.
        Assert.False(map.TryAdd(1, 5));
        Assert.Throws<MapKeyExistsException>(() => map.Update(1, 5, UpdateFlags.NoExist));
        var past = Assert.Throws<Syscalls.BpfException>(() => map.Update(4, 1));
        Assert.Contains("past the end of array map", past.Message);
        Assert.Equal(Syscalls.Errno.EINVAL, Assert.Throws<Syscalls.BpfException>(() => map.Delete(1)).Errno);
    }

    [KernelFact]
    public void Lpm_trie_round_trips_and_matches_longest_prefix()
    {
        var layout = LpmKeyLayout.IPv4;
        using var trie = BpfMap.Create(MapSpec.LpmTrie(MapNames.Unique("l"), layout, 4, 16));
        trie.Update(layout.Key("10.0.0.0/8"), BitConverter.GetBytes(8u), UpdateFlags.NoExist);
        trie.Update(layout.Key("10.1.0.0/16"), BitConverter.GetBytes(16u));
        Assert.Throws<MapKeyExistsException>(() => trie.Update(layout.Key("10.0.0.0/8"), BitConverter.GetBytes(1u), UpdateFlags.NoExist));
        Assert.Throws<MapKeyNotFoundException>(() => trie.Update(layout.Key("192.168.0.0/16"), BitConverter.GetBytes(1u), UpdateFlags.Exist));

        Assert.Equal(16u, LookupAddress(trie, layout.Key(System.Net.IPAddress.Parse("10.1.2.3"))));
        Assert.Equal(8u, LookupAddress(trie, layout.Key(System.Net.IPAddress.Parse("10.200.0.1"))));
        Assert.Null(LookupAddress(trie, layout.Key(System.Net.IPAddress.Parse("11.0.0.1"))));

        var networks = trie.Keys().Select(k => layout.Decode(k).ToString()).Order().ToList();
        Assert.Equal(["10.0.0.0/8", "10.1.0.0/16"], networks);

        Assert.True(trie.Delete(layout.Key("10.1.0.0/16")));
        Assert.Equal(8u, LookupAddress(trie, layout.Key(System.Net.IPAddress.Parse("10.1.2.3"))));
    }

    [KernelFact]
    public void Lpm_trie_with_a_rule_set_prefix_keeps_rule_sets_apart()
    {
        var layout = LpmKeyLayout.WithPrefix<uint>(AddressFamily.InterNetworkV6);
        using var trie = BpfMap.Create(MapSpec.LpmTrie(MapNames.Unique("r"), layout, 4, 16));
        trie.Update(layout.Key(1u, "::/0"), BitConverter.GetBytes(100u));
        trie.Update(layout.Key(2u, "2001:db8::/32"), BitConverter.GetBytes(232u));
        trie.Update(layout.Key(2u, "::ffff:10.0.0.0/104"), BitConverter.GetBytes(2104u));

        var inside = System.Net.IPAddress.Parse("2001:db8::1");
        Assert.Equal(100u, LookupAddress(trie, layout.Key(1u, inside)));
        Assert.Equal(232u, LookupAddress(trie, layout.Key(2u, inside)));
        Assert.Equal(2104u, LookupAddress(trie, layout.Key(2u, System.Net.IPAddress.Parse("::ffff:10.9.9.9"))));
        // Rule set 2 has no default route, and rule set 3 has nothing at all.
        Assert.Null(LookupAddress(trie, layout.Key(2u, System.Net.IPAddress.Parse("2001:db9::1"))));
        Assert.Null(LookupAddress(trie, layout.Key(3u, inside)));
    }

    static uint? LookupAddress(BpfMap trie, byte[] key)
    {
        var value = new byte[4];
        return trie.TryLookup(key, value) ? BitConverter.ToUInt32(value) : null;
    }
}

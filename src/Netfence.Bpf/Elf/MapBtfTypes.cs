using Netfence.Bpf.Btf;
using Netfence.Bpf.Maps;

namespace Netfence.Bpf.Elf;

/// <summary>
/// Which key and value BTF types a map of an object is created with. The kernel checks them against the map type
/// (map_check_btf) and refuses the whole map on a mismatch, so types it would refuse are not passed at all:
/// <list type="bullet">
/// <item>arrays take only a 32-bit integer key (their u32 index); a data section's single-entry array takes no key
/// type and its DATASEC as the value type;</item>
/// <item>an LPM trie's key must be a struct (it embeds the prefix length);</item>
/// <item>a ring buffer has no keys or values, and maps of fds (prog, perf event, cgroup, map-in-map) take no BTF,
/// as libbpf also decides;</item>
/// <item>any other map needs both a key and a value type (the kernel refuses a missing key type for hashes).</item>
/// </list>
/// </summary>
public static class MapBtfTypes
{
    /// <summary>The (key, value) type ids to create <paramref name="map"/> with, or null to create it without BTF.</summary>
    public static (uint Key, uint Value)? For(BtfSpec? btf, CollectionMapSpec map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (btf is null || map.BtfValueType == 0) return null;
        var (key, value) = (map.BtfKeyType, map.BtfValueType);
        if (map.DataSection is not null)
            return key == 0 && map.Spec is { Type: MapType.Array, MaxEntries: 1 } && btf[value] is BtfDatasec ? (0, value) : null;
        if (key == 0) return null;
        return map.Spec.Type switch
        {
            MapType.Array or MapType.PerCpuArray => btf[btf.SkipQualifiers(key)] is BtfInt { Bits: 32, BitOffset: 0 } ? (key, value) : null,
            MapType.LpmTrie => btf[btf.SkipQualifiers(key)] is BtfStruct ? (key, value) : null,
            MapType.RingBuf or MapType.ProgArray or MapType.PerfEventArray or MapType.StackTrace or MapType.CgroupArray
                or MapType.ArrayOfMaps or MapType.HashOfMaps => null,
            _ => (key, value),
        };
    }
}

namespace Netfence.Bpf.Maps;

/// <summary>Map types (<c>enum bpf_map_type</c>).</summary>
public enum MapType : uint
{
    Unspecified = 0,
    Hash = 1,
    Array = 2,
    ProgArray = 3,
    PerfEventArray = 4,
    PerCpuHash = 5,
    PerCpuArray = 6,
    StackTrace = 7,
    CgroupArray = 8,
    LruHash = 9,
    LruPerCpuHash = 10,
    LpmTrie = 11,
    ArrayOfMaps = 12,
    HashOfMaps = 13,
    RingBuf = 27,
}

using Netfence.Bpf.Maps;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Features;

/// <summary>Asks whether the kernel can create a map type, by creating the smallest valid one.</summary>
public static class MapTypeProbe
{
    /// <summary>A probe for <paramref name="type"/>, first available in <paramref name="minimumKernel"/>.</summary>
    public static FeatureProbe For(MapType type, string minimumKernel) =>
        new($"{type} maps", minimumKernel, () => Probe(type));

    static bool? Probe(MapType type)
    {
        var attr = type switch
        {
            // Tries need room for a prefix length plus data, and must not be preallocated.
            MapType.LpmTrie => new MapCreateAttr { KeySize = 8, ValueSize = 4, MaxEntries = 1, MapFlags = (uint)MapFlags.NoPrealloc },
            // Ring buffers have no keys or values; their size is one page.
            MapType.RingBuf => new MapCreateAttr { MaxEntries = (uint)Environment.SystemPageSize },
            _ => new MapCreateAttr { KeySize = 4, ValueSize = 4, MaxEntries = 1 },
        };
        attr.MapType = (uint)type;
        using var fd = ProbeSyscalls.CreateMap(attr, out var errno);
        if (fd is not null) return true;
        // An unknown map type is EINVAL; E2BIG where the kernel's attr is shorter than ours.
        if (errno is Errno.EINVAL or Errno.E2BIG) return false;
        return ProbeSyscalls.IsInconclusive(errno) ? null : throw new BpfException(BpfCommand.MapCreate.Name(), errno, null, $"probing {type} maps");
    }
}

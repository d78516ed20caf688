using System.Text;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Programs;

namespace Netfence.Bpf.Features;

/// <summary>
/// The kernel features the loader and datapath rely on, each a cached probe with the first
/// kernel version that has it, so tools can print a table and callers can fail early with
/// "requires kernel ≥ X" instead of an opaque EINVAL later.
/// </summary>
public static class KernelFeatures
{
    public static FeatureProbe SocketFilterPrograms { get; } = ProgramTypeProbe.For(ProgramType.SocketFilter, "3.19");
    public static FeatureProbe SchedClsPrograms { get; } = ProgramTypeProbe.For(ProgramType.SchedCls, "4.1");
    public static FeatureProbe CgroupSkbPrograms { get; } = ProgramTypeProbe.For(ProgramType.CgroupSkb, "4.10", AttachType.CgroupInetEgress);
    public static FeatureProbe CgroupSockPrograms { get; } = ProgramTypeProbe.For(ProgramType.CgroupSock, "4.10", AttachType.CgroupInetSockCreate);
    /// <summary>connect4/6 and sendmsg4/6 hooks; loaded with the connect4 attach type the kernel checks.</summary>
    public static FeatureProbe CgroupSockAddrPrograms { get; } = ProgramTypeProbe.For(ProgramType.CgroupSockAddr, "4.17", AttachType.CgroupInet4Connect);

    public static FeatureProbe HashMaps { get; } = MapTypeProbe.For(MapType.Hash, "3.19");
    public static FeatureProbe ArrayMaps { get; } = MapTypeProbe.For(MapType.Array, "3.19");
    public static FeatureProbe PerCpuArrayMaps { get; } = MapTypeProbe.For(MapType.PerCpuArray, "4.6");
    public static FeatureProbe LruHashMaps { get; } = MapTypeProbe.For(MapType.LruHash, "4.10");
    public static FeatureProbe LpmTrieMaps { get; } = MapTypeProbe.For(MapType.LpmTrie, "4.11");
    /// <summary>BPF ring buffers (map type and its helpers arrived together).</summary>
    public static FeatureProbe RingBuffers { get; } = MapTypeProbe.For(MapType.RingBuf, "5.8");

    public static FeatureProbe CgroupLinks { get; } = CgroupLinkProbe.Create();
    public static FeatureProbe BatchMapOperations { get; } = BatchOpsProbe.Create();
    /// <summary>TCX links for TC programs; without them the loader falls back to netlink cls_bpf.</summary>
    public static FeatureProbe TcxLinks => TcxProbe.Links;

    /// <summary>Every probe, in table order.</summary>
    public static IReadOnlyList<FeatureProbe> All { get; } =
    [
        SocketFilterPrograms, SchedClsPrograms, CgroupSkbPrograms, CgroupSockPrograms, CgroupSockAddrPrograms,
        HashMaps, ArrayMaps, PerCpuArrayMaps, LruHashMaps, LpmTrieMaps, RingBuffers,
        CgroupLinks, BatchMapOperations, TcxLinks,
    ];

    /// <summary>Probes everything and returns a plain-text table (feature, minimum kernel, answer).</summary>
    public static string FormatTable()
    {
        var rows = All.Select(p =>
        {
            string answer;
            try { answer = p.IsSupported ? "supported" : "missing"; }
            catch (Exception e) when (e is InvalidOperationException or Syscalls.BpfException) { answer = $"unknown ({e.Message})"; }
            return (p.Name, Min: $"≥ {p.MinimumKernel}", answer);
        }).ToList();
        int w1 = Math.Max("feature".Length, rows.Max(r => r.Name.Length)), w2 = Math.Max("kernel".Length, rows.Max(r => r.Min.Length));
        var sb = new StringBuilder();
        sb.Append("feature".PadRight(w1)).Append("  ").Append("kernel".PadRight(w2)).Append("  status\n");
        foreach (var (name, min, answer) in rows)
            sb.Append(name.PadRight(w1)).Append("  ").Append(min.PadRight(w2)).Append("  ").Append(answer).Append('\n');
        return sb.ToString();
    }
}

using Netfence.Bpf.Programs;

namespace Netfence.Bpf.Elf;

/// <summary>
/// libbpf's section-name conventions: the ELF section a program lives in says its program type
/// and, for hooks that need one, its expected attach type. Longest prefix wins, so
/// <c>cgroup/connect4</c> is not taken for a generic <c>cgroup/</c>.
/// </summary>
public static class ProgramSections
{
    /// <summary>What a section name means.</summary>
    public sealed record Convention(string Section, ProgramType Type, AttachType? AttachType, bool Exact);

    static readonly Convention[] Conventions =
    [
        new("socket", ProgramType.SocketFilter, null, false),
        new("tc", ProgramType.SchedCls, null, false),
        new("classifier", ProgramType.SchedCls, null, false),
        new("action", ProgramType.SchedAct, null, false),
        new("tcx/ingress", ProgramType.SchedCls, Programs.AttachType.TcxIngress, true),
        new("tcx/egress", ProgramType.SchedCls, Programs.AttachType.TcxEgress, true),
        new("netkit/primary", ProgramType.SchedCls, Programs.AttachType.NetkitPrimary, true),
        new("netkit/peer", ProgramType.SchedCls, Programs.AttachType.NetkitPeer, true),
        new("xdp", ProgramType.Xdp, null, false),
        new("cgroup_skb/ingress", ProgramType.CgroupSkb, Programs.AttachType.CgroupInetIngress, true),
        new("cgroup_skb/egress", ProgramType.CgroupSkb, Programs.AttachType.CgroupInetEgress, true),
        new("cgroup/skb", ProgramType.CgroupSkb, null, true),
        new("cgroup/sock_create", ProgramType.CgroupSock, Programs.AttachType.CgroupInetSockCreate, true),
        new("cgroup/sock_release", ProgramType.CgroupSock, Programs.AttachType.CgroupInetSockRelease, true),
        new("cgroup/sock", ProgramType.CgroupSock, Programs.AttachType.CgroupInetSockCreate, true),
        new("cgroup/post_bind4", ProgramType.CgroupSock, Programs.AttachType.CgroupInet4PostBind, true),
        new("cgroup/post_bind6", ProgramType.CgroupSock, Programs.AttachType.CgroupInet6PostBind, true),
        new("cgroup/bind4", ProgramType.CgroupSockAddr, Programs.AttachType.CgroupInet4Bind, true),
        new("cgroup/bind6", ProgramType.CgroupSockAddr, Programs.AttachType.CgroupInet6Bind, true),
        new("cgroup/connect4", ProgramType.CgroupSockAddr, Programs.AttachType.CgroupInet4Connect, true),
        new("cgroup/connect6", ProgramType.CgroupSockAddr, Programs.AttachType.CgroupInet6Connect, true),
        new("cgroup/sendmsg4", ProgramType.CgroupSockAddr, Programs.AttachType.CgroupUdp4Sendmsg, true),
        new("cgroup/sendmsg6", ProgramType.CgroupSockAddr, Programs.AttachType.CgroupUdp6Sendmsg, true),
        new("cgroup/recvmsg4", ProgramType.CgroupSockAddr, Programs.AttachType.CgroupUdp4Recvmsg, true),
        new("cgroup/recvmsg6", ProgramType.CgroupSockAddr, Programs.AttachType.CgroupUdp6Recvmsg, true),
        new("cgroup/getpeername4", ProgramType.CgroupSockAddr, Programs.AttachType.CgroupInet4Getpeername, true),
        new("cgroup/getpeername6", ProgramType.CgroupSockAddr, Programs.AttachType.CgroupInet6Getpeername, true),
        new("cgroup/getsockname4", ProgramType.CgroupSockAddr, Programs.AttachType.CgroupInet4Getsockname, true),
        new("cgroup/getsockname6", ProgramType.CgroupSockAddr, Programs.AttachType.CgroupInet6Getsockname, true),
        new("cgroup/dev", ProgramType.CgroupDevice, Programs.AttachType.CgroupDevice, true),
        new("sockops", ProgramType.SockOps, Programs.AttachType.CgroupSockOps, true),
    ];

    /// <summary>The sections this loader understands, for error messages and documentation.</summary>
    public static IReadOnlyList<Convention> Known => Conventions;

    /// <summary>
    /// Resolves a section name. Non-exact conventions also match <c>name/anything</c> (libbpf
    /// lets <c>tc/foo</c> or <c>xdp/bar</c> carry a free-form suffix).
    /// </summary>
    public static bool TryResolve(string section, out Convention convention)
    {
        foreach (var c in Conventions)
        {
            if (section == c.Section || (!c.Exact && section.StartsWith(c.Section + "/", StringComparison.Ordinal)))
            {
                convention = c;
                return true;
            }
        }
        convention = null!;
        return false;
    }
}

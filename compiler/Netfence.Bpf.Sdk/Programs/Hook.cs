using static Netfence.Bpf.Sdk.KernelNumbers;

namespace Netfence.Bpf.Sdk;

/// <summary>
/// Where a program runs. Each value carries its name, section name, program type, expected attach type and context
/// in <see cref="HookInfoAttribute"/>: the compiler, the loader and the analyzer read them from there.
/// </summary>
public enum Hook
{
    /// <summary>Classic tc ingress (clsact qdisc, attached through netlink).</summary>
    [HookInfo("tc/ingress", "tc", ProgTypeSchedCls, HookInfoAttribute.NoAttachType, AttachMechanism.Netlink, typeof(SkBuff))]
    TcIngress,

    /// <summary>Classic tc egress (clsact qdisc, attached through netlink).</summary>
    [HookInfo("tc/egress", "tc", ProgTypeSchedCls, HookInfoAttribute.NoAttachType, AttachMechanism.Netlink, typeof(SkBuff))]
    TcEgress,

    /// <summary>TCX ingress (bpf_link, kernel 6.6+).</summary>
    [HookInfo("tcx/ingress", "tc", ProgTypeSchedCls, AttachTcxIngress, AttachMechanism.Link, typeof(SkBuff))]
    TcxIngress,

    /// <summary>TCX egress (bpf_link, kernel 6.6+).</summary>
    [HookInfo("tcx/egress", "tc", ProgTypeSchedCls, AttachTcxEgress, AttachMechanism.Link, typeof(SkBuff))]
    TcxEgress,

    /// <summary>IPv4 connect() of sockets in a cgroup.</summary>
    [HookInfo("cgroup/connect4", "cgroup/connect4", ProgTypeCgroupSockAddr, AttachCgroupInet4Connect, AttachMechanism.Cgroup, typeof(SockAddr))]
    CgroupConnect4,

    /// <summary>IPv6 connect() of sockets in a cgroup.</summary>
    [HookInfo("cgroup/connect6", "cgroup/connect6", ProgTypeCgroupSockAddr, AttachCgroupInet6Connect, AttachMechanism.Cgroup, typeof(SockAddr))]
    CgroupConnect6,

    /// <summary>UDP/IPv4 sendmsg() of sockets in a cgroup.</summary>
    [HookInfo("cgroup/sendmsg4", "cgroup/sendmsg4", ProgTypeCgroupSockAddr, AttachCgroupUdp4Sendmsg, AttachMechanism.Cgroup, typeof(SockAddr))]
    CgroupSendmsg4,

    /// <summary>UDP/IPv6 sendmsg() of sockets in a cgroup.</summary>
    [HookInfo("cgroup/sendmsg6", "cgroup/sendmsg6", ProgTypeCgroupSockAddr, AttachCgroupUdp6Sendmsg, AttachMechanism.Cgroup, typeof(SockAddr))]
    CgroupSendmsg6,

    /// <summary>UDP/IPv4 recvmsg() of sockets in a cgroup.</summary>
    [HookInfo("cgroup/recvmsg4", "cgroup/recvmsg4", ProgTypeCgroupSockAddr, AttachCgroupUdp4Recvmsg, AttachMechanism.Cgroup, typeof(SockAddr))]
    CgroupRecvmsg4,

    /// <summary>UDP/IPv6 recvmsg() of sockets in a cgroup.</summary>
    [HookInfo("cgroup/recvmsg6", "cgroup/recvmsg6", ProgTypeCgroupSockAddr, AttachCgroupUdp6Recvmsg, AttachMechanism.Cgroup, typeof(SockAddr))]
    CgroupRecvmsg6,

    /// <summary>Packets entering sockets of a cgroup.</summary>
    [HookInfo("cgroup_skb/ingress", "cgroup_skb/ingress", ProgTypeCgroupSkb, AttachCgroupInetIngress, AttachMechanism.Cgroup, typeof(SkBuff))]
    CgroupSkbIngress,

    /// <summary>Packets leaving sockets of a cgroup.</summary>
    [HookInfo("cgroup_skb/egress", "cgroup_skb/egress", ProgTypeCgroupSkb, AttachCgroupInetEgress, AttachMechanism.Cgroup, typeof(SkBuff))]
    CgroupSkbEgress,
}

using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Netlink;

/// <summary>
/// The kernel answered a netlink request with an error. The message names the request
/// (e.g. <c>RTM_NEWTFILTER</c>), the errno by name, and the kernel's extended-ack text, which
/// usually says exactly what it objected to.
/// </summary>
public sealed class NetlinkException : BpfException
{
    public NetlinkException(string operation, Errno errno, string? extendedAck, string? hint = null)
        : base(operation, errno, hint, extendedAck)
    {
        ExtendedAck = extendedAck;
    }

    /// <summary>The kernel's NLMSGERR_ATTR_MSG text, when it sent one.</summary>
    public string? ExtendedAck { get; }

    /// <summary>The usual cause of an errno for a request, or null.</summary>
    public static string? HintFor(NetlinkMessageType type, Errno errno) => (type, errno) switch
    {
        (_, Errno.EPERM) => "needs root or CAP_NET_ADMIN in the network namespace",
        (NetlinkMessageType.NewQdisc, Errno.EEXIST) => "a qdisc already exists at that handle",
        (NetlinkMessageType.NewTfilter, Errno.EEXIST) => "a filter with that priority and handle already exists: choose another priority or handle",
        (NetlinkMessageType.NewTfilter, Errno.EINVAL) => "the kernel rejected the filter: is the parent qdisc clsact, and the program of type SCHED_CLS?",
        (NetlinkMessageType.DelTfilter or NetlinkMessageType.GetTfilter, Errno.ENOENT) => "no such filter (already removed?)",
        (NetlinkMessageType.DelQdisc, Errno.ENOENT) or (NetlinkMessageType.DelQdisc, Errno.EINVAL) => "no such qdisc (already removed?)",
        (_, Errno.ENODEV) => "no such network interface in this network namespace",
        _ => null,
    };
}

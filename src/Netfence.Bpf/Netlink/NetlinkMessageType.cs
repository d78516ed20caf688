namespace Netfence.Bpf.Netlink;

/// <summary>Netlink control message types and the rtnetlink types this library sends.</summary>
public enum NetlinkMessageType : ushort
{
    Noop = 1,
    Error = 2,
    Done = 3,
    Overrun = 4,
    NewLink = 16,
    DelLink = 17,
    GetLink = 18,
    NewQdisc = 36,
    DelQdisc = 37,
    GetQdisc = 38,
    NewTfilter = 44,
    DelTfilter = 45,
    GetTfilter = 46,
}

/// <summary>Kernel names for message types, used in errors so they match kernel docs and tools.</summary>
public static class NetlinkMessageTypeNames
{
    /// <summary>The UAPI name, e.g. <c>RTM_NEWQDISC</c>.</summary>
    public static string Name(this NetlinkMessageType type) => type switch
    {
        NetlinkMessageType.Noop => "NLMSG_NOOP",
        NetlinkMessageType.Error => "NLMSG_ERROR",
        NetlinkMessageType.Done => "NLMSG_DONE",
        NetlinkMessageType.Overrun => "NLMSG_OVERRUN",
        NetlinkMessageType.NewLink => "RTM_NEWLINK",
        NetlinkMessageType.DelLink => "RTM_DELLINK",
        NetlinkMessageType.GetLink => "RTM_GETLINK",
        NetlinkMessageType.NewQdisc => "RTM_NEWQDISC",
        NetlinkMessageType.DelQdisc => "RTM_DELQDISC",
        NetlinkMessageType.GetQdisc => "RTM_GETQDISC",
        NetlinkMessageType.NewTfilter => "RTM_NEWTFILTER",
        NetlinkMessageType.DelTfilter => "RTM_DELTFILTER",
        NetlinkMessageType.GetTfilter => "RTM_GETTFILTER",
        _ => $"netlink message type {(ushort)type}",
    };
}

namespace Netfence.Bpf.Netlink;

/// <summary>
/// The rtnetlink requests for TC attachment, as pure builders (no socket), so their bytes can
/// be checked against what iproute2 sends.
/// </summary>
public static class TcRequests
{
    const NetlinkFlags RequestAck = NetlinkFlags.Request | NetlinkFlags.Ack;

    /// <summary>RTM_GETLINK for one interface by name (IFLA_IFNAME).</summary>
    public static NetlinkMessageBuilder GetLinkByName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 15)
            throw new ArgumentException($"'{name}' is not a valid interface name (1 to 15 characters)", nameof(name));
        return new NetlinkMessageBuilder(NetlinkMessageType.GetLink, RequestAck)
            .Fixed(new InterfaceInfoMessage())
            .AttributeString(InterfaceInfoMessage.AttributeName, name);
    }

    /// <summary>
    /// RTM_NEWQDISC adding a clsact qdisc. With <c>NLM_F_EXCL</c> an existing qdisc answers
    /// EEXIST instead of being replaced, which is how we learn that it is not ours.
    /// </summary>
    public static NetlinkMessageBuilder NewClsactQdisc(int ifindex)
        => new NetlinkMessageBuilder(NetlinkMessageType.NewQdisc, RequestAck | NetlinkFlags.Create | NetlinkFlags.Exclusive)
            .Fixed(new TrafficControlMessage { InterfaceIndex = ifindex, Handle = TrafficControl.ClsactHandle, Parent = TrafficControl.ClsactParent })
            .AttributeString(TrafficControl.AttributeKind, "clsact");

    /// <summary>RTM_DELQDISC removing the clsact qdisc (and with it every filter on it).</summary>
    public static NetlinkMessageBuilder DeleteClsactQdisc(int ifindex)
        => new NetlinkMessageBuilder(NetlinkMessageType.DelQdisc, RequestAck)
            .Fixed(new TrafficControlMessage { InterfaceIndex = ifindex, Handle = TrafficControl.ClsactHandle, Parent = TrafficControl.ClsactParent })
            .AttributeString(TrafficControl.AttributeKind, "clsact");

    /// <summary>
    /// RTM_NEWTFILTER adding a direct-action cls_bpf filter with our own priority and handle.
    /// <c>NLM_F_EXCL</c> refuses to replace a filter that is already there.
    /// </summary>
    public static NetlinkMessageBuilder NewBpfFilter(int ifindex, uint parent, ushort priority, uint handle, int programFd, string name)
    {
        if (priority == 0) throw new ArgumentOutOfRangeException(nameof(priority), "a filter priority must be 1..65535 (0 lets the kernel choose, and we must know ours)");
        if (handle == 0) throw new ArgumentOutOfRangeException(nameof(handle), "a filter handle must be non-zero (0 lets the kernel choose, and we must know ours)");
        return new NetlinkMessageBuilder(NetlinkMessageType.NewTfilter, RequestAck | NetlinkFlags.Create | NetlinkFlags.Exclusive)
            .Fixed(new TrafficControlMessage { InterfaceIndex = ifindex, Handle = handle, Parent = parent, Info = TrafficControl.FilterInfo(priority) })
            .AttributeString(TrafficControl.AttributeKind, "bpf")
            .BeginNested(TrafficControl.AttributeOptions)
            .AttributeU32(TrafficControl.BpfAttributeFd, (uint)programFd)
            .AttributeString(TrafficControl.BpfAttributeName, name)
            .AttributeU32(TrafficControl.BpfAttributeFlags, TrafficControl.BpfFlagDirectAction)
            .EndNested();
    }

    /// <summary>RTM_DELTFILTER removing exactly one cls_bpf filter, named by priority and handle.</summary>
    public static NetlinkMessageBuilder DeleteBpfFilter(int ifindex, uint parent, ushort priority, uint handle)
        => new NetlinkMessageBuilder(NetlinkMessageType.DelTfilter, RequestAck)
            .Fixed(new TrafficControlMessage { InterfaceIndex = ifindex, Handle = handle, Parent = parent, Info = TrafficControl.FilterInfo(priority) })
            .AttributeString(TrafficControl.AttributeKind, "bpf");

    /// <summary>RTM_GETTFILTER dump of the filters under one parent of one interface.</summary>
    public static NetlinkMessageBuilder DumpFilters(int ifindex, uint parent)
        => new NetlinkMessageBuilder(NetlinkMessageType.GetTfilter, NetlinkFlags.Request | NetlinkFlags.Dump)
            .Fixed(new TrafficControlMessage { InterfaceIndex = ifindex, Parent = parent });

    /// <summary>RTM_GETQDISC dump (the kernel dumps every interface; callers filter by ifindex).</summary>
    public static NetlinkMessageBuilder DumpQdiscs()
        => new NetlinkMessageBuilder(NetlinkMessageType.GetQdisc, NetlinkFlags.Request | NetlinkFlags.Dump)
            .Fixed(new TrafficControlMessage());
}

namespace Netfence.Bpf.Netlink;

/// <summary>The RTM_GETLINK requests, as pure builders (no socket), so their bytes can be checked against iproute2's.</summary>
public static class LinkRequests
{
    /// <summary>RTM_GETLINK for one interface by ifindex; a missing one is answered with ENODEV.</summary>
    public static NetlinkMessageBuilder GetLinkByIndex(int ifindex)
    {
        if (ifindex <= 0) throw new ArgumentOutOfRangeException(nameof(ifindex), ifindex, "an ifindex is a positive number");
        return new NetlinkMessageBuilder(NetlinkMessageType.GetLink, NetlinkFlags.Request | NetlinkFlags.Ack)
            .Fixed(new InterfaceInfoMessage { Index = ifindex })
            .AttributeU32(InterfaceInfoMessage.AttributeExtMask, InterfaceInfoMessage.ExtFilterSkipStats);
    }

    /// <summary>
    /// RTM_GETLINK dump of every interface in the namespace. Counters are left out: a resynchronisation after a
    /// netlink overrun only needs to know which devices exist, and without them a dump is about half the bytes.
    /// </summary>
    public static NetlinkMessageBuilder DumpLinks()
        => new NetlinkMessageBuilder(NetlinkMessageType.GetLink, NetlinkFlags.Request | NetlinkFlags.Dump)
            .Fixed(new InterfaceInfoMessage())
            .AttributeU32(InterfaceInfoMessage.AttributeExtMask, InterfaceInfoMessage.ExtFilterSkipStats);
}

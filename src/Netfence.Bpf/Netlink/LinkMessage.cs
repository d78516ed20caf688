namespace Netfence.Bpf.Netlink;

/// <summary>
/// An RTM_NEWLINK or RTM_DELLINK (answer, dump entry or notification), reduced to what identifies the device and
/// where it went.
/// </summary>
/// <param name="Type">RTM_NEWLINK or RTM_DELLINK.</param>
/// <param name="Family">ifi_family: AF_UNSPEC for the device itself; AF_BRIDGE for its bridge-port state.</param>
/// <param name="Index">The ifindex in the socket's namespace.</param>
/// <param name="Name">IFLA_IFNAME, when the message carries it.</param>
/// <param name="NewNetnsId">IFLA_NEW_NETNSID: the namespace the device moved to, as an id in the socket's namespace.</param>
/// <param name="NewIndex">IFLA_NEW_IFINDEX: the device's ifindex in the namespace it moved to.</param>
public sealed record LinkMessage(NetlinkMessageType Type, byte Family, int Index, string? Name, int? NewNetnsId, int? NewIndex)
{
    /// <summary>
    /// True when the device left the socket's namespace: it was unregistered or moved to another namespace. An
    /// RTM_DELLINK of family AF_BRIDGE is not that: it says a device that still exists stopped being a bridge port
    /// (VM taps usually are bridge ports), so only AF_UNSPEC counts.
    /// </summary>
    public bool LeftNamespace => Type == NetlinkMessageType.DelLink && Family == InterfaceInfoMessage.FamilyUnspecified;

    /// <summary>True when the message says the device moved to another namespace rather than being deleted.</summary>
    public bool MovedToOtherNamespace => LeftNamespace && NewNetnsId is not null;

    /// <summary>Reads a link message, or returns null for any other message type.</summary>
    public static LinkMessage? TryRead(NetlinkMessage message)
    {
        if (message.Type is not (NetlinkMessageType.NewLink or NetlinkMessageType.DelLink)) return null;
        var header = InterfaceInfoMessage.Read(message.Payload.Span);
        var attributes = NetlinkAttribute.Parse(message.Payload[InterfaceInfoMessage.Size..]);
        return new LinkMessage(
            message.Type,
            header.Family,
            header.Index,
            attributes.Find(InterfaceInfoMessage.AttributeName)?.AsString(),
            attributes.Find(InterfaceInfoMessage.AttributeNewNetnsId) is { } netns ? (int)netns.AsU32() : null,
            attributes.Find(InterfaceInfoMessage.AttributeNewIfindex) is { } index ? (int)index.AsU32() : null);
    }
}

using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Netlink;

/// <summary>rtnetlink operations over a <see cref="NetlinkSocket"/>: interfaces, qdiscs, filters.</summary>
public static class RouteNetlink
{
    /// <summary>The ifindex of the interface called <paramref name="name"/> in the socket's namespace.</summary>
    public static int GetInterfaceIndex(this NetlinkSocket socket, string name)
    {
        IReadOnlyList<NetlinkMessage> replies;
        try
        {
            replies = socket.Request(TcRequests.GetLinkByName(name));
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENODEV)
        {
            throw new ArgumentException($"no network interface named '{name}' in {DescribeNamespace(socket)}", nameof(name), e);
        }
        foreach (var reply in replies)
            if (reply.Type == NetlinkMessageType.NewLink)
                return InterfaceInfoMessage.Read(reply.Payload.Span).Index;
        throw new NetlinkException(NetlinkMessageType.GetLink.Name(), Errno.EPROTO, $"the kernel acknowledged the request for '{name}' without describing the interface");
    }

    /// <summary>The interface with ifindex <paramref name="ifindex"/> in the socket's namespace, or null when there is none.</summary>
    public static LinkMessage? TryGetLink(this NetlinkSocket socket, int ifindex)
    {
        IReadOnlyList<NetlinkMessage> replies;
        try
        {
            replies = socket.Request(LinkRequests.GetLinkByIndex(ifindex));
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENODEV)
        {
            return null;
        }
        foreach (var reply in replies)
            if (LinkMessage.TryRead(reply) is { Type: NetlinkMessageType.NewLink } link)
                return link;
        throw new NetlinkException(NetlinkMessageType.GetLink.Name(), Errno.EPROTO, $"the kernel acknowledged the request for ifindex {ifindex} without describing the interface");
    }

    /// <summary>Every interface in the socket's namespace (a consistent dump: an interrupted one is repeated).</summary>
    public static IReadOnlyList<LinkMessage> ListLinks(this NetlinkSocket socket)
    {
        var list = new List<LinkMessage>();
        foreach (var message in socket.Dump(LinkRequests.DumpLinks()))
            if (LinkMessage.TryRead(message) is { Type: NetlinkMessageType.NewLink } link)
                list.Add(link);
        return list;
    }

    /// <summary>The qdiscs on one interface.</summary>
    public static IReadOnlyList<QdiscInfo> ListQdiscs(this NetlinkSocket socket, int ifindex)
    {
        var list = new List<QdiscInfo>();
        foreach (var message in socket.Dump(TcRequests.DumpQdiscs()))
        {
            if (message.Type != NetlinkMessageType.NewQdisc) continue;
            var tc = TrafficControlMessage.Read(message.Payload.Span);
            if (tc.InterfaceIndex != ifindex) continue;
            var attributes = NetlinkAttribute.Parse(message.Payload[TrafficControlMessage.Size..]);
            list.Add(new QdiscInfo(ifindex, attributes.Find(TrafficControl.AttributeKind)?.AsString() ?? "", tc.Handle, tc.Parent));
        }
        return list;
    }

    /// <summary>
    /// The filters under one parent of an interface. The per-priority header entries the kernel
    /// also dumps (handle 0, no options) are left out: they are not filters anyone can remove.
    /// </summary>
    public static IReadOnlyList<FilterInfo> ListFilters(this NetlinkSocket socket, int ifindex, uint parent)
    {
        var list = new List<FilterInfo>();
        foreach (var message in socket.Dump(TcRequests.DumpFilters(ifindex, parent)))
        {
            if (message.Type != NetlinkMessageType.NewTfilter) continue;
            var tc = TrafficControlMessage.Read(message.Payload.Span);
            if (tc.Handle == 0) continue;
            var attributes = NetlinkAttribute.Parse(message.Payload[TrafficControlMessage.Size..]);
            var kind = attributes.Find(TrafficControl.AttributeKind)?.AsString() ?? "";
            string? name = null;
            uint? programId = null;
            if (kind == "bpf" && attributes.Find(TrafficControl.AttributeOptions) is { } options)
            {
                var nested = options.Nested();
                name = nested.Find(TrafficControl.BpfAttributeName)?.AsString();
                programId = nested.Find(TrafficControl.BpfAttributeId)?.AsU32();
            }
            list.Add(new FilterInfo(ifindex, tc.Parent, kind, (ushort)(tc.Info >> 16), tc.Handle, name, programId));
        }
        return list;
    }

    internal static string DescribeNamespace(NetlinkSocket socket)
        => socket.NamespacePath is { } path ? $"network namespace '{path}'" : "this process's network namespace";
}

using Netfence.Bpf.Sdk;

namespace Netfence.Programs.Decisions;

/// <summary>
/// Reduces a frame (TC) or an IP packet (cgroup_skb) to a <see cref="Destination"/>. Every read is bounds-checked;
/// anything that cannot be read to the end it needs is <see cref="PacketClass.Malformed"/>, never a pass by accident
/// (pitfall 6).
/// </summary>
[BpfCode]
public static class PacketParser
{
    /// <summary>802.1ad (QinQ service tag).</summary>
    public const ushort EtherTypeQinQ = 0x88A8;

    private const byte HopByHop = 0;
    private const byte Routing = 43;
    private const byte Fragment = 44;
    private const byte AuthenticationHeader = 51;
    private const byte DestinationOptions = 60;
    private const byte RouterSolicitation = 133;
    private const byte Redirect = 137;

    /// <summary>Parses an Ethernet frame with up to two VLAN tags.</summary>
    public static int ParseFrame(SkBuff ctx, out Destination destination)
    {
        destination = default;
        if (!ctx.TryRead(0, out EthernetHeader ethernet))
            return PacketClass.Malformed;
        ushort etherType = Net.Ntohs(ethernet.EtherType);
        int offset = EthernetHeader.Size;
        for (int i = 0; i < Layout.DatapathLimits.MaxVlanTags; i++)
        {
            if (etherType != EtherType.Vlan && etherType != EtherTypeQinQ)
                break;
            if (!ctx.TryRead(offset, out VlanHeader tag))
                return PacketClass.Malformed;
            etherType = Net.Ntohs(tag.EncapsulatedProtocol);
            offset += VlanHeader.Size;
        }

        if (etherType == EtherType.Vlan || etherType == EtherTypeQinQ)
            return PacketClass.Malformed;
        if (etherType == EtherType.Arp)
            return PacketClass.Neighbour;
        return ParseNetwork(ctx, etherType, offset, out destination);
    }

    /// <summary>Parses the IP packet at <paramref name="offset"/> whose ethertype (host order) is <paramref name="etherType"/>.</summary>
    public static int ParseNetwork(SkBuff ctx, ushort etherType, int offset, out Destination destination)
    {
        destination = default;
        if (etherType == EtherType.Ipv4)
            return ParseIpv4(ctx, offset, ref destination);
        if (etherType == EtherType.Ipv6)
            return ParseIpv6(ctx, offset, ref destination);
        return PacketClass.OtherEthertype;
    }

    private static int ParseIpv4(SkBuff ctx, int offset, ref Destination destination)
    {
        if (!ctx.TryRead(offset, out Ipv4Header ip))
            return PacketClass.Malformed;
        int headerLength = (ip.VersionIhl & 0x0F) * 4;
        if ((ip.VersionIhl >> 4) != 4 || headerLength < Ipv4Header.Size)
            return PacketClass.Malformed;
        destination.Ip4 = ip.Destination;
        destination.Protocol = ip.Protocol;
        // Only the first fragment carries the transport header; later ones are decided by address alone.
        if ((Net.Ntohs(ip.FragmentOffset) & 0x1FFF) != 0)
            return PacketClass.Ip;
        return ReadPort(ctx, offset + headerLength, ref destination);
    }

    private static int ParseIpv6(SkBuff ctx, int offset, ref Destination destination)
    {
        if (!ctx.TryRead(offset, out Ipv6Header ip))
            return PacketClass.Malformed;
        if ((Net.Ntohl(ip.VersionClassFlow) >> 28) != 6)
            return PacketClass.Malformed;
        destination.IsIpv6 = true;
        destination.Ip6Word0 = ip.Destination0;
        destination.Ip6Word1 = ip.Destination1;
        destination.Ip6Word2 = ip.Destination2;
        destination.Ip6Word3 = ip.Destination3;
        byte next = ip.NextHeader;
        int position = offset + Ipv6Header.Size;
        for (int i = 0; i < Layout.DatapathLimits.MaxIpv6ExtensionHeaders; i++)
        {
            if (next != HopByHop && next != Routing && next != Fragment && next != AuthenticationHeader && next != DestinationOptions)
                break;
            if (!ctx.TryRead(position, out ExtensionHeader extension))
                return PacketClass.Malformed;
            if (next == Fragment)
            {
                destination.Protocol = extension.NextHeader;
                if ((Net.Ntohs(extension.FragmentOffset) & 0xFFF8) != 0)
                    return PacketClass.Ip;
                position += 8;
            }
            else if (next == AuthenticationHeader)
            {
                position += (extension.Length + 2) * 4;
            }
            else
            {
                position += (extension.Length + 1) * 8;
            }

            next = extension.NextHeader;
        }

        if (next == HopByHop || next == Routing || next == Fragment || next == AuthenticationHeader || next == DestinationOptions)
            return PacketClass.Malformed;
        destination.Protocol = next;
        if (next == IpProtocol.Icmpv6)
        {
            if (!ctx.TryRead(position, out byte icmpType))
                return PacketClass.Malformed;
            return icmpType >= RouterSolicitation && icmpType <= Redirect ? PacketClass.Neighbour : PacketClass.Ip;
        }

        return ReadPort(ctx, position, ref destination);
    }

    private static int ReadPort(SkBuff ctx, int offset, ref Destination destination)
    {
        if (destination.Protocol != IpProtocol.Tcp && destination.Protocol != IpProtocol.Udp)
            return PacketClass.Ip;
        if (!ctx.TryRead(offset, out PortPair ports))
            return PacketClass.Malformed;
        destination.Port = ports.Destination;
        return PacketClass.Ip;
    }
}

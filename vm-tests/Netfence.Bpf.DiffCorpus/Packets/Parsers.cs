using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.DiffCorpus.Packets;

/// <summary>A flow's 5-tuple as a map key (addresses folded to 32 bits for IPv6).</summary>
public struct FlowKey
{
    /// <summary>Source address (IPv6: xor of its words).</summary>
    public uint Source;
    /// <summary>Destination address (IPv6: xor of its words).</summary>
    public uint Destination;
    /// <summary>Source port, network order.</summary>
    public ushort SourcePort;
    /// <summary>Destination port, network order.</summary>
    public ushort DestinationPort;
    /// <summary>IP protocol.</summary>
    public byte Protocol;
    /// <summary>4 or 6.</summary>
    public byte Version;
}

/// <summary>
/// Packet parsers over Ethernet, 802.1Q/802.1ad tags, IPv4 (with options), IPv6, TCP and UDP. The harness feeds
/// them well-formed frames, frames cut at every header boundary, and random bytes, so every TryRead meets both its
/// success and its failure.
/// </summary>
public static class Parsers
{
    /// <summary>EtherType of an 802.1ad (QinQ) outer tag.</summary>
    public const ushort ServiceVlan = 0x88A8;

    /// <summary>Per-flow packet counts.</summary>
    public static readonly HashMap<FlowKey, ulong> Flows = new(maxEntries: 256);

    /// <summary>The Ethernet header: EtherType in host order, MACs swapped in place.</summary>
    [Program(Hook.TcIngress)]
    public static int ParseEthernet(SkBuff skb)
    {
        if (!skb.TryRead(0, out EthernetHeader eth))
            return -1;
        var swapped = eth;
        swapped.DestinationHigh = eth.SourceHigh;
        swapped.DestinationLow = eth.SourceLow;
        swapped.SourceHigh = eth.DestinationHigh;
        swapped.SourceLow = eth.DestinationLow;
        if (!skb.TryWrite(0, swapped))
            return -2;
        return Net.Ntohs(eth.EtherType);
    }

    /// <summary>Up to two VLAN tags: the inner EtherType, the tag count and the innermost VLAN id.</summary>
    [Program(Hook.TcIngress)]
    public static int ParseVlan(SkBuff skb)
    {
        int offset = L3Offset(skb, out ushort etherType, out int vlanId, out int tags);
        if (offset < 0)
            return offset;
        return etherType | (tags << 16) | (vlanId << 20);
    }

    /// <summary>IPv4 behind optional tags: protocol, TTL and header length; the TTL is decremented in place.</summary>
    [Program(Hook.TcIngress)]
    public static int ParseIpv4(SkBuff skb)
    {
        int offset = L3Offset(skb, out ushort etherType, out _, out _);
        if (offset < 0 || etherType != EtherType.Ipv4)
            return -1;
        if (!skb.TryRead(offset, out Ipv4Header ip))
            return -2;
        if (ip.VersionIhl >> 4 != 4)
            return -3;
        int headerLength = (ip.VersionIhl & 0x0F) * 4;
        if (headerLength < Ipv4Header.Size)
            return -4;
        if (!skb.TryRead(offset + headerLength - 1, out byte _))
            return -5;
        if (ip.Ttl > 1)
        {
            byte ttl = (byte)(ip.Ttl - 1);
            skb.TryWrite(offset + 8, ttl);
        }
        bool fragment = (Net.Ntohs(ip.FragmentOffset) & 0x3FFF) != 0;
        return ip.Protocol | (ip.Ttl << 8) | (headerLength << 16) | (fragment ? 1 << 24 : 0);
    }

    /// <summary>IPv6 behind optional tags: next header, hop limit, and a fold of both addresses.</summary>
    [Program(Hook.TcIngress)]
    public static int ParseIpv6(SkBuff skb)
    {
        int offset = L3Offset(skb, out ushort etherType, out _, out _);
        if (offset < 0 || etherType != EtherType.Ipv6)
            return -1;
        if (!skb.TryRead(offset, out Ipv6Header ip))
            return -2;
        if (Net.Ntohl(ip.VersionClassFlow) >> 28 != 6)
            return -3;
        uint fold = ip.Source0 ^ ip.Source1 ^ ip.Source2 ^ ip.Source3 ^ ip.Destination0 ^ ip.Destination1 ^ ip.Destination2 ^ ip.Destination3;
        skb.TryWrite(offset + 8, fold);
        return ip.NextHeader | (ip.HopLimit << 8) | ((int)(Net.Ntohl(ip.VersionClassFlow) & 0xFFFFF) << 12 & 0x7FFF_0000);
    }

    /// <summary>TCP or UDP over IPv4 or IPv6: a verdict from the ports and TCP flags.</summary>
    [Program(Hook.TcIngress)]
    public static int ParseTransport(SkBuff skb)
    {
        if (!Tuple(skb, out FlowKey key, out int l4Offset))
            return -1;
        if (key.Protocol == IpProtocol.Tcp)
        {
            if (!skb.TryRead(l4Offset, out TcpHeader tcp))
                return -2;
            int dataOffset = (tcp.DataOffset >> 4) * 4;
            if (dataOffset < TcpHeader.Size || !skb.TryRead(l4Offset + dataOffset - 1, out byte _))
                return -3;
            bool syn = (tcp.Flags & 0x02) != 0, ack = (tcp.Flags & 0x10) != 0, rst = (tcp.Flags & 0x04) != 0;
            if (syn && !ack && Net.Ntohs(tcp.DestinationPort) < 1024)
                return 2;
            if (rst)
                return 3;
            return Net.Ntohs(tcp.DestinationPort) == 443 ? 4 : 0;
        }
        if (key.Protocol == IpProtocol.Udp)
        {
            if (!skb.TryRead(l4Offset, out UdpHeader udp))
                return -4;
            ushort length = Net.Ntohs(udp.Length);
            if (length < UdpHeader.Size)
                return -5;
            return Net.Ntohs(udp.DestinationPort) == 53 ? 5 : 6 + (length & 0xFF);
        }
        return 7;
    }

    /// <summary>Counts packets per 5-tuple in <see cref="Flows"/> and returns the count.</summary>
    [Program(Hook.TcIngress)]
    public static int FlowCount(SkBuff skb)
    {
        if (!Tuple(skb, out FlowKey key, out _))
            return -1;
        ulong count = 1;
        if (Flows.TryLookup(key, out ulong existing))
            count = existing + 1;
        long status = Flows.Update(key, count, UpdateFlag.Any);
        if (status != 0)
            return (int)status;
        return (int)count;
    }

    /// <summary>Swaps MACs, IPv4 addresses and TCP/UDP ports in place, as a reflector would.</summary>
    [Program(Hook.TcIngress)]
    public static int Reflect(SkBuff skb)
    {
        if (!skb.TryRead(0, out EthernetHeader eth) || Net.Ntohs(eth.EtherType) != EtherType.Ipv4)
            return -1;
        if (!skb.TryRead(EthernetHeader.Size, out Ipv4Header ip) || (ip.VersionIhl & 0x0F) < 5)
            return -2;
        var mac = new EthernetHeader
        {
            DestinationHigh = eth.SourceHigh, DestinationLow = eth.SourceLow,
            SourceHigh = eth.DestinationHigh, SourceLow = eth.DestinationLow, EtherType = eth.EtherType,
        };
        skb.TryWrite(0, mac);
        skb.TryWrite(EthernetHeader.Size + 12, ip.Destination);
        skb.TryWrite(EthernetHeader.Size + 16, ip.Source);
        int l4 = EthernetHeader.Size + (ip.VersionIhl & 0x0F) * 4;
        if (ip.Protocol != IpProtocol.Tcp && ip.Protocol != IpProtocol.Udp)
            return 1;
        if (!skb.TryRead(l4, out ushort sourcePort) || !skb.TryRead(l4 + 2, out ushort destinationPort))
            return 2;
        skb.TryWrite(l4, destinationPort);
        skb.TryWrite(l4 + 2, sourcePort);
        return 3;
    }

    /// <summary>Reads and writes at a packet-chosen offset (0..127), every width, each at its boundary.</summary>
    [Program(Hook.TcIngress)]
    public static int VariableOffset(SkBuff skb)
    {
        if (!skb.TryRead(0, out byte selector))
            return -1;
        int offset = selector & 127;
        int bits = 0;
        if (skb.TryRead(offset, out byte b)) bits |= 1;
        if (skb.TryRead(offset, out ushort s)) bits |= 2;
        if (skb.TryRead(offset, out uint i)) bits |= 4;
        if (skb.TryRead(offset, out ulong l)) bits |= 8;
        if (skb.TryRead(offset, out Ipv4Header ip)) bits |= 16;
        ulong folded = (ulong)(b ^ s) ^ i ^ l ^ ip.Source;
        if (skb.TryWrite(offset ^ 1, (ushort)folded)) bits |= 32;
        if (skb.TryWrite(offset, folded)) bits |= 64;
        return bits;
    }

    // Skips up to two VLAN tags; the offset of the L3 header, or -1 when the frame ends first.
    private static int L3Offset(SkBuff skb, out ushort etherType, out int vlanId, out int tags)
    {
        etherType = 0;
        vlanId = 0;
        tags = 0;
        if (!skb.TryRead(0, out EthernetHeader eth))
            return -1;
        etherType = Net.Ntohs(eth.EtherType);
        int offset = EthernetHeader.Size;
        for (int i = 0; i < 2; i++)
        {
            if (etherType != EtherType.Vlan && etherType != ServiceVlan)
                break;
            if (!skb.TryRead(offset, out VlanHeader tag))
                return -1;
            vlanId = Net.Ntohs(tag.TagControl) & 0x0FFF;
            etherType = Net.Ntohs(tag.EncapsulatedProtocol);
            offset += VlanHeader.Size;
            tags++;
        }
        return offset;
    }

    // The 5-tuple of a TCP/UDP/other packet over IPv4 (options skipped) or IPv6.
    private static bool Tuple(SkBuff skb, out FlowKey key, out int l4Offset)
    {
        key = default;
        l4Offset = 0;
        int offset = L3Offset(skb, out ushort etherType, out _, out _);
        if (offset < 0)
            return false;
        if (etherType == EtherType.Ipv4)
        {
            if (!skb.TryRead(offset, out Ipv4Header ip) || (ip.VersionIhl & 0x0F) < 5)
                return false;
            key.Source = ip.Source;
            key.Destination = ip.Destination;
            key.Protocol = ip.Protocol;
            key.Version = 4;
            l4Offset = offset + (ip.VersionIhl & 0x0F) * 4;
        }
        else if (etherType == EtherType.Ipv6)
        {
            if (!skb.TryRead(offset, out Ipv6Header ip6))
                return false;
            key.Source = ip6.Source0 ^ ip6.Source1 ^ ip6.Source2 ^ ip6.Source3;
            key.Destination = ip6.Destination0 ^ ip6.Destination1 ^ ip6.Destination2 ^ ip6.Destination3;
            key.Protocol = ip6.NextHeader;
            key.Version = 6;
            l4Offset = offset + Ipv6Header.Size;
        }
        else
            return false;

        if (key.Protocol == IpProtocol.Tcp || key.Protocol == IpProtocol.Udp)
        {
            if (!skb.TryRead(l4Offset, out ushort sourcePort) || !skb.TryRead(l4Offset + 2, out ushort destinationPort))
                return false;
            key.SourcePort = sourcePort;
            key.DestinationPort = destinationPort;
        }
        return true;
    }
}

using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.Compiler.Samples;

/// <summary>Drops TCP to one port: a packet read at a variable offset (the IPv4 header length), a struct helper, a switch.</summary>
public static class PortDrop
{
    public static readonly ushort BlockedPort = 443;

    public static readonly ArrayMap<ulong> Seen = new(maxEntries: 3);

    [Program(Hook.TcEgress)]
    public static int Drop(SkBuff ctx)
    {
        if (!ctx.TryRead(0, out EthernetHeader eth) || Net.Ntohs(eth.EtherType) != EtherType.Ipv4)
            return TcAction.Ok;
        if (!ctx.TryRead(EthernetHeader.Size, out Ipv4Header ip))
            return TcAction.Ok;
        int slot;
        switch (ip.Protocol)
        {
            case IpProtocol.Tcp: slot = 0; break;
            case IpProtocol.Udp: slot = 1; break;
            default: slot = 2; break;
        }
        Count((uint)slot);
        if (slot != 0 || !ctx.TryRead(EthernetHeader.Size + HeaderLength(ip), out TcpHeader tcp))
            return TcAction.Ok;
        return Net.Ntohs(tcp.DestinationPort) == BlockedPort ? TcAction.Shot : TcAction.Ok;
    }

    static int HeaderLength(in Ipv4Header ip) => (ip.VersionIhl & 0x0F) * 4;

    static void Count(uint slot)
    {
        ulong n = Seen.TryLookup(slot, out var current) ? current : 0;
        Seen.Update(slot, n + 1);
    }
}

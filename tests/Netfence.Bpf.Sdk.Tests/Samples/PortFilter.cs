using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.Sdk.Tests.Samples;

/// <summary>A tcx filter dropping TCP to one configurable port and counting verdicts per CPU.</summary>
public static class PortFilter
{
    public static readonly ushort BlockedPort = 443;

    public static readonly PerCpuArrayMap<ulong> Verdicts = new(maxEntries: 2);

    [Program(Hook.TcxEgress)]
    public static int Egress(SkBuff ctx)
    {
        if (!ctx.TryRead(0, out EthernetHeader eth) || Net.Ntohs(eth.EtherType) != EtherType.Ipv4)
            return Tcx.Next;
        if (!ctx.TryRead(EthernetHeader.Size, out Ipv4Header ip) || ip.Protocol != IpProtocol.Tcp)
            return Tcx.Next;
        int headerLength = (ip.VersionIhl & 0x0F) * 4;
        if (!ctx.TryRead(EthernetHeader.Size + headerLength, out TcpHeader tcp))
            return Tcx.Next;

        if (Net.Ntohs(tcp.DestinationPort) == BlockedPort)
        {
            Verdicts.Increment(1);
            return Tcx.Drop;
        }

        Verdicts.Increment(0);
        return Tcx.Next;
    }
}

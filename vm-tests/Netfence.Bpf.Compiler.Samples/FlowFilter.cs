using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.Compiler.Samples;

/// <summary>The vertical slice: parses Ethernet and IPv4, looks the destination up in a hash map, counts per CPU.</summary>
public static class FlowFilter
{
    /// <summary>Destination addresses (network order) to drop.</summary>
    public static readonly HashMap<uint, uint> Blocked = new(maxEntries: 64);

    /// <summary>0: passed, 1: dropped, 2: not IPv4.</summary>
    public static readonly PerCpuArrayMap<ulong> Counters = new(maxEntries: 4);

    /// <summary>Returned for IPv4 packets that are not blocked; patched through .rodata.</summary>
    public static readonly int PassVerdict = TcAction.Ok;

    [Program(Hook.TcIngress)]
    public static int Filter(SkBuff ctx)
    {
        if (!ctx.TryRead(0, out EthernetHeader eth) || Net.Ntohs(eth.EtherType) != EtherType.Ipv4)
        {
            Counters.Increment(2);
            return TcAction.Ok;
        }
        if (!ctx.TryRead(EthernetHeader.Size, out Ipv4Header ip))
            return TcAction.Ok;
        if (Blocked.TryLookup(ip.Destination, out var verdict))
        {
            Counters.Increment(1);
            return (int)verdict;
        }
        Counters.Increment(0);
        return PassVerdict;
    }
}

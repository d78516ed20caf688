using System.Runtime.InteropServices;
using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.Compiler.InteropSamples;

/// <summary>What a flow key says about its protocol; an enum so the BTF carries its name.</summary>
public enum Transport : byte
{
    Udp = 17,
    Tcp = 6,
}

/// <summary>A hash key with padding between its fields, as the CLR lays it out.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FlowKey
{
    public uint Address;
    public ushort Port;
    public Transport Protocol;
}

/// <summary>A value with a nested struct.</summary>
public struct FlowStats
{
    public ulong Packets;
    public FlowKey Last;
}

/// <summary>An LPM trie key: the prefix length in bits, then the address bytes (a fixed buffer).</summary>
public unsafe struct Ipv6Prefix
{
    public uint PrefixLength;
    public fixed byte Address[16];
}

/// <summary>One map of every type the compiler writes, each used by the program.</summary>
public static class MapShapes
{
    public static readonly HashMap<FlowKey, FlowStats> Flows = new(maxEntries: 16);

    public static readonly ArrayMap<FlowKey> Recent = new(maxEntries: 4);

    public static readonly PerCpuArrayMap<ulong> Totals = new(maxEntries: 2);

    public static readonly LpmTrieMap<Ipv6Prefix, uint> Prefixes = new(maxEntries: 8);

    public static readonly LruHashMap<uint, Transport> Protocols = new(maxEntries: 8, pinning: MapPinning.ByName);

    public static readonly RingBuffer Events = new(sizeBytes: 4096);

    [Program(Hook.TcxIngress)]
    public static int Shapes(SkBuff ctx)
    {
        var key = new FlowKey { Address = ctx.Mark, Port = 53, Protocol = Transport.Udp };
        if (Flows.TryLookup(key, out var stats)) return (int)stats.Packets;
        if (Recent.TryLookup(0, out var recent)) return recent.Port;
        Totals.Increment(0);
        var prefix = new Ipv6Prefix { PrefixLength = 128 };
        if (Prefixes.TryLookup(prefix, out var verdict)) return (int)verdict;
        if (Protocols.TryLookup(ctx.Mark, out var protocol)) return (int)protocol;
        Events.Output(key);
        return TcAction.Ok;
    }
}

using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Netfence.Policy.Rules;
using Netfence.Programs.Layout;

namespace Netfence.Datapath;

/// <summary>Builds trie keys and DNS endpoint keys from .NET addresses, in the layout of Netfence.Programs.</summary>
public static class RuleKeys
{
    /// <summary>The IPv4 key of <paramref name="network"/> (IPv4, or IPv4-mapped of length ≥ 96) in a rule set.</summary>
    public static Rule4Key Key4(uint ruleSet, IPNetwork network)
    {
        network = CidrRule.FoldMapped(network);
        if (network.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"{network} is not an IPv4 network", nameof(network));
        return new Rule4Key
        {
            PrefixLength = Rule4Key.RuleSetBits + (uint)network.PrefixLength,
            RuleSet = ruleSet,
            Address = Word(network.BaseAddress.GetAddressBytes(), 0),
        };
    }

    /// <summary>The IPv6 key of <paramref name="network"/> in a rule set.</summary>
    public static Rule6Key Key6(uint ruleSet, IPNetwork network)
    {
        if (network.BaseAddress.AddressFamily != AddressFamily.InterNetworkV6)
            throw new ArgumentException($"{network} is not an IPv6 network", nameof(network));
        var bytes = network.BaseAddress.GetAddressBytes();
        return new Rule6Key
        {
            PrefixLength = Rule4Key.RuleSetBits + (uint)network.PrefixLength,
            RuleSet = ruleSet,
            Address0 = Word(bytes, 0),
            Address1 = Word(bytes, 4),
            Address2 = Word(bytes, 8),
            Address3 = Word(bytes, 12),
        };
    }

    /// <summary>The DNS endpoint key of an address and port (IPv4 stored IPv4-mapped).</summary>
    public static DnsEndpointKey Endpoint(IPAddress address, ushort port)
    {
        var bytes = (address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6() : address).GetAddressBytes();
        return new DnsEndpointKey
        {
            Address0 = Word(bytes, 0),
            Address1 = Word(bytes, 4),
            Address2 = Word(bytes, 8),
            Address3 = Word(bytes, 12),
            Port = NetworkOrder(port),
        };
    }

    /// <summary>A port as the datapath stores it (network order).</summary>
    public static ushort NetworkOrder(ushort port) => BitConverter.IsLittleEndian ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(port) : port;

    /// <summary>Four address bytes as the uint whose memory holds them in that order (network order).</summary>
    public static uint Word(ReadOnlySpan<byte> bytes, int offset) => MemoryMarshal.Read<uint>(bytes.Slice(offset, 4));
}

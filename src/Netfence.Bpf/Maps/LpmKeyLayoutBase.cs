using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Netfence.Bpf.Maps;

/// <summary>
/// The byte layout of an LPM trie key: <c>u32 prefixlen</c> (host order, as the kernel reads
/// it), then optional fixed bytes that must always match exactly (e.g. a rule-set id), then the
/// address in network order. <c>prefixlen</c> counts bits from the start of the data, so it is
/// the fixed part's bits plus the network's prefix length; the layouts compute it, so a caller
/// cannot forget the fixed part.
/// </summary>
/// <remarks>
/// IPv4 layouts take IPv4 networks, and also IPv4-mapped IPv6 networks of length ≥ 96
/// (<c>::ffff:10.0.0.0/104</c> becomes <c>10.0.0.0/8</c>), because the datapath normalises
/// mapped addresses to IPv4 before looking them up. IPv6 layouts take IPv6 networks, mapped ones
/// included, kept as written; an IPv4 network is refused there rather than mapped behind the
/// caller's back.
/// </remarks>
public abstract class LpmKeyLayoutBase
{
    private protected LpmKeyLayoutBase(AddressFamily family, int fixedBytes)
    {
        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            throw new ArgumentException($"LPM keys hold IPv4 or IPv6 addresses, not {family}", nameof(family));
        Family = family;
        FixedBytes = fixedBytes;
    }

    /// <summary>The address family of the keys' addresses.</summary>
    public AddressFamily Family { get; }

    /// <summary>Bytes of exact-match data between the prefix length and the address.</summary>
    public int FixedBytes { get; }

    /// <summary>Address bytes: 4 or 16.</summary>
    public int AddressBytes => Family == AddressFamily.InterNetwork ? 4 : 16;

    /// <summary>The map's key size.</summary>
    public int KeySize => 4 + FixedBytes + AddressBytes;

    /// <summary>Converts <paramref name="network"/> to this layout's family, or throws saying why it cannot.</summary>
    protected IPNetwork Normalise(IPNetwork network)
    {
        var address = network.BaseAddress;
        if (Family == AddressFamily.InterNetwork)
        {
            if (address.AddressFamily == AddressFamily.InterNetwork) return network;
            if (address.IsIPv4MappedToIPv6 && network.PrefixLength >= 96)
                return new IPNetwork(address.MapToIPv4(), network.PrefixLength - 96);
            throw new ArgumentException($"{network} is an IPv6 network and this LPM trie holds IPv4 keys (only IPv4-mapped networks of length ≥ 96 convert)", nameof(network));
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6) return network;
        throw new ArgumentException($"{network} is an IPv4 network and this LPM trie holds IPv6 keys: use an IPv4 trie, or write it IPv4-mapped as ::ffff:{address}/{96 + network.PrefixLength}", nameof(network));
    }

    /// <summary>Builds the key from the fixed bytes and the network.</summary>
    protected byte[] Encode(ReadOnlySpan<byte> fixedPart, IPNetwork network)
    {
        var n = Normalise(network);
        var key = new byte[KeySize];
        // The kernel reads prefixlen as a native u32; the data bytes are compared bit by bit from the first.
        MemoryMarshal.Write(key, (uint)(FixedBytes * 8 + n.PrefixLength));
        fixedPart.CopyTo(key.AsSpan(4));
        if (!n.BaseAddress.TryWriteBytes(key.AsSpan(4 + FixedBytes), out var written) || written != AddressBytes)
            throw new InvalidOperationException($"could not write {n.BaseAddress} as {AddressBytes} bytes");
        return key;
    }

    /// <summary>Reads a key back into its fixed bytes and network.</summary>
    protected (byte[] Fixed, IPNetwork Network) DecodeParts(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize) throw new ArgumentException($"an LPM key of this layout is {KeySize} bytes, got {key.Length}", nameof(key));
        uint prefix = MemoryMarshal.Read<uint>(key);
        int addressBits = (int)prefix - FixedBytes * 8;
        if (prefix < FixedBytes * 8 || addressBits > AddressBytes * 8)
            throw new ArgumentException($"LPM key prefix length {prefix} does not fit {FixedBytes} fixed bytes and a {AddressBytes * 8}-bit address", nameof(key));
        return (key.Slice(4, FixedBytes).ToArray(), new IPNetwork(new IPAddress(key.Slice(4 + FixedBytes, AddressBytes)), addressBits));
    }
}

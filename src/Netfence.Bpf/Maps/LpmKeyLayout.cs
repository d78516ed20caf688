using System.Net;
using System.Net.Sockets;

namespace Netfence.Bpf.Maps;

/// <summary>LPM trie keys that are just <c>{u32 prefixlen, address}</c>.</summary>
public sealed class LpmKeyLayout : LpmKeyLayoutBase
{
    LpmKeyLayout(AddressFamily family) : base(family, 0) { }

    /// <summary>IPv4 keys (8 bytes).</summary>
    public static LpmKeyLayout IPv4 { get; } = new(AddressFamily.InterNetwork);

    /// <summary>IPv6 keys (20 bytes).</summary>
    public static LpmKeyLayout IPv6 { get; } = new(AddressFamily.InterNetworkV6);

    /// <summary>
    /// A layout with an exact-match <typeparamref name="TPrefix"/> (e.g. a u32 rule-set id)
    /// before the address. The prefix is written in memory order, as a program writing the same
    /// struct into its lookup key does.
    /// </summary>
    public static LpmKeyLayout<TPrefix> WithPrefix<TPrefix>(AddressFamily family) where TPrefix : unmanaged => new(family);

    /// <summary>The key for <paramref name="network"/>.</summary>
    public byte[] Key(IPNetwork network) => Encode([], network);

    /// <summary>The key for a CIDR text (parsed strictly by <see cref="Cidr.Parse"/>).</summary>
    public byte[] Key(string cidr) => Key(Cidr.Parse(cidr));

    /// <summary>The full-length key that looks up one address (as the datapath does).</summary>
    public byte[] Key(IPAddress address) => Key(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));

    /// <summary>The network a key stands for.</summary>
    public IPNetwork Decode(ReadOnlySpan<byte> key) => DecodeParts(key).Network;
}

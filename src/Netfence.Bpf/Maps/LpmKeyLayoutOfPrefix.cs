using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Netfence.Bpf.Maps;

/// <summary>
/// LPM trie keys <c>{u32 prefixlen, TPrefix fixed, address}</c>: the fixed part always matches
/// exactly, so one trie can hold many rule sets. Every key needs a <typeparamref name="TPrefix"/>,
/// and <c>prefixlen</c> is computed as <c>sizeof(TPrefix) * 8 + network length</c>.
/// </summary>
public sealed class LpmKeyLayout<TPrefix> : LpmKeyLayoutBase where TPrefix : unmanaged
{
    internal LpmKeyLayout(AddressFamily family) : base(family, Unsafe.SizeOf<TPrefix>()) { }

    /// <summary>The key for <paramref name="network"/> within <paramref name="prefix"/> (e.g. a rule set).</summary>
    public byte[] Key(TPrefix prefix, IPNetwork network) => Encode(MemoryMarshal.AsBytes(new ReadOnlySpan<TPrefix>(in prefix)), network);

    /// <summary>The key for a CIDR text (parsed strictly by <see cref="Cidr.Parse"/>).</summary>
    public byte[] Key(TPrefix prefix, string cidr) => Key(prefix, Cidr.Parse(cidr));

    /// <summary>The full-length key that looks up one address within <paramref name="prefix"/>.</summary>
    public byte[] Key(TPrefix prefix, IPAddress address) =>
        Key(prefix, new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));

    /// <summary>The fixed part and network a key stands for.</summary>
    public (TPrefix Prefix, IPNetwork Network) Decode(ReadOnlySpan<byte> key)
    {
        var (fixedPart, network) = DecodeParts(key);
        return (MemoryMarshal.Read<TPrefix>(fixedPart), network);
    }
}

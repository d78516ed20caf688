using System.Runtime.InteropServices;

namespace Netfence.Programs.Layout;

/// <summary>
/// The IPv4 trie's key: {prefix length, rule-set id, address}. The prefix length counts the 32 rule-set bits too,
/// so a rule for a.b.c.d/n is stored with 32 + n and a lookup of one address uses 64.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct Rule4Key
{
    /// <summary>Key size in bytes.</summary>
    public const int Size = 12;

    /// <summary>The prefix length of the full key: 32 + address bits.</summary>
    public const uint HostPrefixLength = 64;

    /// <summary>Bits of <see cref="PrefixLength"/> that belong to the rule-set id.</summary>
    public const uint RuleSetBits = 32;

    /// <summary>32 + the network's prefix length.</summary>
    [FieldOffset(0)] public uint PrefixLength;
    /// <summary>The rule set (host order; it only needs to match exactly).</summary>
    [FieldOffset(4)] public uint RuleSet;
    /// <summary>The address, network order.</summary>
    [FieldOffset(8)] public uint Address;
}

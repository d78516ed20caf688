using System.Runtime.InteropServices;

namespace Netfence.Programs.Layout;

/// <summary>The IPv6 trie's key: {prefix length (32 + address bits), rule-set id, address as four network-order words}.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct Rule6Key
{
    /// <summary>Key size in bytes.</summary>
    public const int Size = 24;

    /// <summary>The prefix length of the full key: 32 + 128.</summary>
    public const uint HostPrefixLength = 160;

    /// <summary>32 + the network's prefix length.</summary>
    [FieldOffset(0)] public uint PrefixLength;
    /// <summary>The rule set.</summary>
    [FieldOffset(4)] public uint RuleSet;
    /// <summary>Address word 0.</summary>
    [FieldOffset(8)] public uint Address0;
    /// <summary>Address word 1.</summary>
    [FieldOffset(12)] public uint Address1;
    /// <summary>Address word 2.</summary>
    [FieldOffset(16)] public uint Address2;
    /// <summary>Address word 3.</summary>
    [FieldOffset(20)] public uint Address3;
}

using System.Runtime.InteropServices;

namespace Netfence.Programs.Layout;

/// <summary>
/// One attachment's entry: everything a program needs besides the rules, written by user space in one map update
/// (which is what makes the rule-set flip atomic).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct AttachmentValue
{
    /// <summary>Value size in bytes.</summary>
    public const int Size = 40;

    /// <summary>A <see cref="PolicyModeValue"/>; anything unknown is enforced as block-all.</summary>
    [FieldOffset(0)] public uint Mode;
    /// <summary>The rule-set id the tries are searched with (see <see cref="RuleSetIds"/>).</summary>
    [FieldOffset(4)] public uint RuleSet;
    /// <summary><see cref="AttachmentFlags"/>.</summary>
    [FieldOffset(8)] public uint Flags;
    /// <summary>The attachment index: owner of rule sets, counters and DNS endpoints.</summary>
    [FieldOffset(12)] public uint Index;
    /// <summary>The DNS server's IPv4 address, network order (with <see cref="AttachmentFlags.HasDns4"/>).</summary>
    [FieldOffset(16)] public uint DnsIp4;
    /// <summary>The DNS server's IPv6 address, word 0, network order (with <see cref="AttachmentFlags.HasDns6"/>).</summary>
    [FieldOffset(20)] public uint DnsIp6Word0;
    /// <summary>The DNS server's IPv6 address, word 1.</summary>
    [FieldOffset(24)] public uint DnsIp6Word1;
    /// <summary>The DNS server's IPv6 address, word 2.</summary>
    [FieldOffset(28)] public uint DnsIp6Word2;
    /// <summary>The DNS server's IPv6 address, word 3.</summary>
    [FieldOffset(32)] public uint DnsIp6Word3;
    /// <summary>The DNS server's port (TCP and UDP), network order.</summary>
    [FieldOffset(36)] public ushort DnsPort;
    /// <summary>Always zero.</summary>
    [FieldOffset(38)] public ushort Reserved;
}

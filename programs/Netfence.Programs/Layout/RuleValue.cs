using System.Runtime.InteropServices;

namespace Netfence.Programs.Layout;

/// <summary>
/// A prefix's verdicts. Allow and deny of one prefix live in one entry so that "deny wins on an equal prefix" is one
/// lookup. Expiries are CLOCK_BOOTTIME nanoseconds (bpf_ktime_get_boot_ns), 0 for permanent; an expired half counts
/// as absent. <see cref="PrefixLength"/> repeats the key's prefix length so that a program whose match has expired
/// can look again for the next shorter prefix.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct RuleValue
{
    /// <summary>Value size in bytes.</summary>
    public const int Size = 24;

    /// <summary>When the allow half stops applying (0: never).</summary>
    [FieldOffset(0)] public ulong AllowExpiresNs;
    /// <summary>When the deny half stops applying (0: never).</summary>
    [FieldOffset(8)] public ulong DenyExpiresNs;
    /// <summary><see cref="RuleFlags"/>.</summary>
    [FieldOffset(16)] public uint Flags;
    /// <summary>The key's prefix length (rule-set bits included).</summary>
    [FieldOffset(20)] public uint PrefixLength;
}

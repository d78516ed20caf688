using System.Runtime.InteropServices;

namespace Netfence.Programs.Decisions;

/// <summary>The first eight bytes of an IPv6 extension header (every one is at least that long).</summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
public struct ExtensionHeader
{
    /// <summary>The header after this one.</summary>
    [FieldOffset(0)] public byte NextHeader;
    /// <summary>Length in 8-byte units after the first 8 (4-byte units after the first 8 for AH).</summary>
    [FieldOffset(1)] public byte Length;
    /// <summary>For a fragment header: offset (high 13 bits) and flags, network order.</summary>
    [FieldOffset(2)] public ushort FragmentOffset;
}

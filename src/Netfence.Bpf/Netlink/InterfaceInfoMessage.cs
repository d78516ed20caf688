using System.Runtime.InteropServices;

namespace Netfence.Bpf.Netlink;

/// <summary><c>struct ifinfomsg</c>: the fixed header of RTM_*LINK messages (16 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct InterfaceInfoMessage
{
    public const int Size = 16;

    /// <summary>IFLA_IFNAME: the interface name attribute.</summary>
    public const ushort AttributeName = 3;

    /// <summary>IFLA_EXT_MASK: a request attribute choosing what the kernel leaves out of its answers.</summary>
    public const ushort AttributeExtMask = 29;

    /// <summary>IFLA_NEW_NETNSID: on an RTM_DELLINK, the id (in this namespace) of the namespace the device moved to.</summary>
    public const ushort AttributeNewNetnsId = 45;

    /// <summary>IFLA_NEW_IFINDEX: on an RTM_DELLINK, the device's ifindex in the namespace it moved to.</summary>
    public const ushort AttributeNewIfindex = 49;

    /// <summary>RTEXT_FILTER_SKIP_STATS, for <see cref="AttributeExtMask"/>: no counters, which make up most of a dump's bytes.</summary>
    public const uint ExtFilterSkipStats = 1 << 3;

    /// <summary>AF_UNSPEC, the family of a link message about the device itself.</summary>
    public const byte FamilyUnspecified = 0;

    [FieldOffset(0)] public byte Family;
    [FieldOffset(2)] public ushort DeviceType;
    [FieldOffset(4)] public int Index;
    [FieldOffset(8)] public uint Flags;
    [FieldOffset(12)] public uint Change;

    /// <summary>Reads the header at the start of a message payload.</summary>
    public static InterfaceInfoMessage Read(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Size) throw new FormatException($"ifinfomsg needs {Size} bytes, the message has {payload.Length}");
        return MemoryMarshal.Read<InterfaceInfoMessage>(payload);
    }
}

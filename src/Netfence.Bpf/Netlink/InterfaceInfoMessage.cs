using System.Runtime.InteropServices;

namespace Netfence.Bpf.Netlink;

/// <summary><c>struct ifinfomsg</c>: the fixed header of RTM_*LINK messages (16 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct InterfaceInfoMessage
{
    public const int Size = 16;

    /// <summary>IFLA_IFNAME: the interface name attribute.</summary>
    public const ushort AttributeName = 3;

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

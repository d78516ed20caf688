using System.Runtime.InteropServices;

namespace Netfence.Bpf.Sdk;

/// <summary>An Ethernet II header as it sits in the packet; multi-byte fields are in network byte order.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct EthernetHeader
{
    /// <summary>Header length in bytes.</summary>
    public const int Size = 14;

    /// <summary>Destination MAC, first four bytes.</summary>
    [FieldOffset(0)] public uint DestinationHigh;
    /// <summary>Destination MAC, last two bytes.</summary>
    [FieldOffset(4)] public ushort DestinationLow;
    /// <summary>Source MAC, first four bytes.</summary>
    [FieldOffset(6)] public uint SourceHigh;
    /// <summary>Source MAC, last two bytes.</summary>
    [FieldOffset(10)] public ushort SourceLow;
    /// <summary>EtherType in network byte order (compare with <see cref="EtherType"/> through Net.Ntohs).</summary>
    [FieldOffset(12)] public ushort EtherType;
}

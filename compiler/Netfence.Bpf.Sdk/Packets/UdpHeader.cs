using System.Runtime.InteropServices;

namespace Netfence.Bpf.Sdk;

/// <summary>A UDP header; fields in network byte order.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct UdpHeader
{
    /// <summary>Header length in bytes.</summary>
    public const int Size = 8;

    /// <summary>Source port.</summary>
    [FieldOffset(0)] public ushort SourcePort;
    /// <summary>Destination port.</summary>
    [FieldOffset(2)] public ushort DestinationPort;
    /// <summary>Length of header and payload.</summary>
    [FieldOffset(4)] public ushort Length;
    /// <summary>Checksum.</summary>
    [FieldOffset(6)] public ushort Checksum;
}

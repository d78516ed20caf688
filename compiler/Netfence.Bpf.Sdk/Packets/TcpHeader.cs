using System.Runtime.InteropServices;

namespace Netfence.Bpf.Sdk;

/// <summary>The fixed 20 bytes of a TCP header; multi-byte fields in network byte order.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct TcpHeader
{
    /// <summary>Length of the header without options.</summary>
    public const int Size = 20;

    /// <summary>Source port.</summary>
    [FieldOffset(0)] public ushort SourcePort;
    /// <summary>Destination port.</summary>
    [FieldOffset(2)] public ushort DestinationPort;
    /// <summary>Sequence number.</summary>
    [FieldOffset(4)] public uint Sequence;
    /// <summary>Acknowledgement number.</summary>
    [FieldOffset(8)] public uint Acknowledgement;
    /// <summary>Data offset in 32-bit words (high nibble).</summary>
    [FieldOffset(12)] public byte DataOffset;
    /// <summary>Flags (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20).</summary>
    [FieldOffset(13)] public byte Flags;
    /// <summary>Receive window.</summary>
    [FieldOffset(14)] public ushort Window;
    /// <summary>Checksum.</summary>
    [FieldOffset(16)] public ushort Checksum;
    /// <summary>Urgent pointer.</summary>
    [FieldOffset(18)] public ushort UrgentPointer;
}

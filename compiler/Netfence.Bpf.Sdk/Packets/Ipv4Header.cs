using System.Runtime.InteropServices;

namespace Netfence.Bpf.Sdk;

/// <summary>The fixed 20 bytes of an IPv4 header; multi-byte fields in network byte order.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct Ipv4Header
{
    /// <summary>Length of the header without options.</summary>
    public const int Size = 20;

    /// <summary>Version (high nibble) and header length in 32-bit words (low nibble).</summary>
    [FieldOffset(0)] public byte VersionIhl;
    /// <summary>DSCP and ECN.</summary>
    [FieldOffset(1)] public byte Tos;
    /// <summary>Total datagram length.</summary>
    [FieldOffset(2)] public ushort TotalLength;
    /// <summary>Identification.</summary>
    [FieldOffset(4)] public ushort Id;
    /// <summary>Flags and fragment offset.</summary>
    [FieldOffset(6)] public ushort FragmentOffset;
    /// <summary>Time to live.</summary>
    [FieldOffset(8)] public byte Ttl;
    /// <summary>The payload protocol (<see cref="IpProtocol"/>).</summary>
    [FieldOffset(9)] public byte Protocol;
    /// <summary>Header checksum.</summary>
    [FieldOffset(10)] public ushort Checksum;
    /// <summary>Source address.</summary>
    [FieldOffset(12)] public uint Source;
    /// <summary>Destination address.</summary>
    [FieldOffset(16)] public uint Destination;
}

using System.Runtime.InteropServices;

namespace Netfence.Bpf.Sdk;

/// <summary>The fixed 40-byte IPv6 header; addresses as four network-order words each.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct Ipv6Header
{
    /// <summary>Header length in bytes.</summary>
    public const int Size = 40;

    /// <summary>Version, traffic class and flow label.</summary>
    [FieldOffset(0)] public uint VersionClassFlow;
    /// <summary>Payload length.</summary>
    [FieldOffset(4)] public ushort PayloadLength;
    /// <summary>The next header (<see cref="IpProtocol"/> for TCP/UDP).</summary>
    [FieldOffset(6)] public byte NextHeader;
    /// <summary>Hop limit.</summary>
    [FieldOffset(7)] public byte HopLimit;
    /// <summary>Source address, word 0.</summary>
    [FieldOffset(8)] public uint Source0;
    /// <summary>Source address, word 1.</summary>
    [FieldOffset(12)] public uint Source1;
    /// <summary>Source address, word 2.</summary>
    [FieldOffset(16)] public uint Source2;
    /// <summary>Source address, word 3.</summary>
    [FieldOffset(20)] public uint Source3;
    /// <summary>Destination address, word 0.</summary>
    [FieldOffset(24)] public uint Destination0;
    /// <summary>Destination address, word 1.</summary>
    [FieldOffset(28)] public uint Destination1;
    /// <summary>Destination address, word 2.</summary>
    [FieldOffset(32)] public uint Destination2;
    /// <summary>Destination address, word 3.</summary>
    [FieldOffset(36)] public uint Destination3;
}

using System.Runtime.InteropServices;

namespace Netfence.Programs.Layout;

/// <summary>
/// A DNS server endpoint of some attachment: the address as IPv6 (IPv4 as ::ffff:a.b.c.d) and the port, both
/// network order. The value is the owning attachment's index (uint): every other attachment is denied it.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct DnsEndpointKey
{
    /// <summary>Key size in bytes.</summary>
    public const int Size = 20;

    /// <summary>Address word 0.</summary>
    [FieldOffset(0)] public uint Address0;
    /// <summary>Address word 1.</summary>
    [FieldOffset(4)] public uint Address1;
    /// <summary>Address word 2 (0x0000ffff for IPv4, network order).</summary>
    [FieldOffset(8)] public uint Address2;
    /// <summary>Address word 3 (the IPv4 address for IPv4).</summary>
    [FieldOffset(12)] public uint Address3;
    /// <summary>The port, network order.</summary>
    [FieldOffset(16)] public ushort Port;
    /// <summary>Always zero.</summary>
    [FieldOffset(18)] public ushort Reserved;
}

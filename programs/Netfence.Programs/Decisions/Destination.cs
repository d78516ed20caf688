using System.Runtime.InteropServices;

namespace Netfence.Programs.Decisions;

/// <summary>
/// Where a packet or a call is going, as every hook reduces it: the address (IPv4, or IPv6 as four network-order
/// words), the transport protocol and the destination port (network order, 0 when unknown).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct Destination
{
    /// <summary>True for IPv6 (<see cref="Ip6Word0"/> to word 3), false for IPv4 (<see cref="Ip4"/>).</summary>
    public bool IsIpv6;
    /// <summary>The IP protocol (TCP 6, UDP 17, ...), 0 when unknown.</summary>
    public byte Protocol;
    /// <summary>The destination port in network order; 0 when the protocol has none or it is not visible.</summary>
    public ushort Port;
    /// <summary>The IPv4 address, network order.</summary>
    public uint Ip4;
    /// <summary>IPv6 word 0.</summary>
    public uint Ip6Word0;
    /// <summary>IPv6 word 1.</summary>
    public uint Ip6Word1;
    /// <summary>IPv6 word 2.</summary>
    public uint Ip6Word2;
    /// <summary>IPv6 word 3.</summary>
    public uint Ip6Word3;
}

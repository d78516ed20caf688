namespace Netfence.Bpf.Sdk;

/// <summary>IP protocol numbers (IPv4 protocol, IPv6 next header).</summary>
public static class IpProtocol
{
    /// <summary>ICMP.</summary>
    public const byte Icmp = 1;
    /// <summary>TCP.</summary>
    public const byte Tcp = 6;
    /// <summary>UDP.</summary>
    public const byte Udp = 17;
    /// <summary>ICMPv6.</summary>
    public const byte Icmpv6 = 58;
}

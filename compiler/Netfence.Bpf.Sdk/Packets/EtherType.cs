namespace Netfence.Bpf.Sdk;

/// <summary>EtherType values in host byte order (compare after Net.Ntohs).</summary>
public static class EtherType
{
    /// <summary>IPv4.</summary>
    public const ushort Ipv4 = 0x0800;
    /// <summary>ARP.</summary>
    public const ushort Arp = 0x0806;
    /// <summary>802.1Q VLAN tag.</summary>
    public const ushort Vlan = 0x8100;
    /// <summary>IPv6.</summary>
    public const ushort Ipv6 = 0x86DD;
}

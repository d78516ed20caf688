using System.Net;
using System.Net.Sockets;

namespace Netfence.Datapath;

/// <summary>
/// The per-attachment exemptions, each explicit (pitfall 7): the attachment's own DNS server (an IPv4 and/or an
/// IPv6 address on one port, TCP and UDP) is always reachable; loopback passes only when
/// <see cref="LoopbackAllowed"/> is set (meaningful for cgroup attachments). Nothing else is exempt: link-local and
/// metadata addresses follow the rules.
/// </summary>
public sealed record AttachmentSettings
{
    /// <summary>The DNS server's IPv4 address, or null.</summary>
    public IPAddress? DnsIpv4 { get; init; }

    /// <summary>The DNS server's IPv6 address, or null.</summary>
    public IPAddress? DnsIpv6 { get; init; }

    /// <summary>The DNS server's port; required when an address is given.</summary>
    public ushort DnsPort { get; init; }

    /// <summary>Whether 127.0.0.0/8 and ::1 pass (other attachments' DNS endpoints on loopback still do not).</summary>
    public bool LoopbackAllowed { get; init; }

    internal void Validate()
    {
        if (DnsIpv4 is { AddressFamily: not AddressFamily.InterNetwork })
            throw new ArgumentException($"DnsIpv4 {DnsIpv4} is not an IPv4 address");
        if (DnsIpv6 is { AddressFamily: not AddressFamily.InterNetworkV6 })
            throw new ArgumentException($"DnsIpv6 {DnsIpv6} is not an IPv6 address");
        if ((DnsIpv4 is not null || DnsIpv6 is not null) && DnsPort == 0)
            throw new ArgumentException("a DNS address needs a DnsPort from 1 to 65535");
    }
}

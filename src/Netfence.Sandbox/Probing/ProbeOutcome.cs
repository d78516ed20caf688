namespace Netfence.Sandbox.Probing;

/// <summary>How an attempt ended, as the workload saw it.</summary>
public enum ProbeOutcome
{
    /// <summary>TCP: connected and the server answered the HTTP request.</summary>
    Connected,
    /// <summary>UDP: the echo came back.</summary>
    Replied,
    /// <summary>The DNS server answered with an error rcode (REFUSED, NXDOMAIN, ...); nothing was sent to the destination.</summary>
    DnsError,
    /// <summary>The DNS server did not answer in time.</summary>
    DnsTimeout,
    /// <summary>The name resolved to no A record.</summary>
    NoAddress,
    /// <summary>The kernel refused the connect() or sendto() with EPERM (a cgroup filter).</summary>
    Denied,
    /// <summary>No answer in time (a packet-level drop, e.g. at TC ingress).</summary>
    TimedOut,
    /// <summary>The destination refused (TCP RST or ICMP port unreachable).</summary>
    Refused,
    /// <summary>Anything else, with the error in the detail.</summary>
    Failed,
}

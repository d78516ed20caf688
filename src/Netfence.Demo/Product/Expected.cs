namespace Netfence.Demo.Product;

/// <summary>What the demo expects of one connection attempt.</summary>
enum Expected
{
    /// <summary>It reaches the server (which records it) and the answer comes back.</summary>
    Allowed,
    /// <summary>The attachment's DNS server refuses the name without asking the upstream; nothing is sent.</summary>
    DnsRefused,
    /// <summary>The cgroup filter fails connect()/sendto() with EPERM; the server never sees it.</summary>
    Denied,
    /// <summary>The TC filter drops the packets on the host end's ingress; the workload times out, the server never sees it.</summary>
    Dropped,
}

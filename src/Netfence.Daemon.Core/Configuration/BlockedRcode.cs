namespace Netfence.Daemon.Configuration;

/// <summary>The DNS response code for a blocked name.</summary>
public enum BlockedRcode
{
    /// <summary>REFUSED (rcode 5).</summary>
    Refused,
    /// <summary>NXDOMAIN (rcode 3); musl keeps walking its search list after it, unlike after REFUSED.</summary>
    NxDomain,
}

namespace Netfence.Dns.Wire;

/// <summary>Resource record types the server looks inside; every other value passes through untouched.</summary>
public enum DnsType : ushort
{
    /// <summary>An IPv4 address.</summary>
    A = 1,
    /// <summary>A name server.</summary>
    NS = 2,
    /// <summary>An alias: the owner's canonical name.</summary>
    CNAME = 5,
    /// <summary>Start of authority.</summary>
    SOA = 6,
    /// <summary>A pointer to a name.</summary>
    PTR = 12,
    /// <summary>A mail exchanger.</summary>
    MX = 15,
    /// <summary>Text strings.</summary>
    TXT = 16,
    /// <summary>An IPv6 address.</summary>
    AAAA = 28,
    /// <summary>A service location.</summary>
    SRV = 33,
    /// <summary>A subtree alias.</summary>
    DNAME = 39,
    /// <summary>The EDNS(0) pseudo-record.</summary>
    OPT = 41,
    /// <summary>Every type (a query only).</summary>
    ANY = 255,
}

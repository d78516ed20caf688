namespace Netfence.Policy.Rules;

/// <summary>
/// Upper bounds on one attachment's rules. They keep a single message from a control plane (or a bug
/// in one) from exhausting the daemon or the kernel maps that every other tenant shares.
/// </summary>
public static class PolicyLimits
{
    /// <summary>Entries in one CIDR list.</summary>
    public const int MaxCidrsPerList = 100_000;

    /// <summary>Entries in one domain list.</summary>
    public const int MaxDomainsPerList = 100_000;

    /// <summary>DNS upstream servers.</summary>
    public const int MaxUpstreams = 16;

    /// <summary>The longest rule TTL; longer is almost certainly a unit mistake.</summary>
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(3650);
}

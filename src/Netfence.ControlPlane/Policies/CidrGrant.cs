using System.Net;
using Netfence.Policy.Rules;

namespace Netfence.ControlPlane.Policies;

/// <summary>
/// One network of a desired allow or deny list, with an optional time to live counted by the daemon
/// from the moment it applies the command (absent = permanent). The control plane keeps the TTL
/// relative because it never knows when a daemon applied a rule; the daemon turns it into an expiry.
/// </summary>
public sealed record CidrGrant
{
    /// <summary>Creates a grant; IPv4-mapped IPv6 networks are folded to IPv4 as the daemon does.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The TTL is not positive or exceeds <see cref="PolicyLimits.MaxTtl"/>.</exception>
    public CidrGrant(IPNetwork network, TimeSpan? ttl = null)
    {
        if (ttl is { } t && (t <= TimeSpan.Zero || t > PolicyLimits.MaxTtl))
            throw new ArgumentOutOfRangeException(nameof(ttl), t, $"a TTL must be positive and at most {PolicyLimits.MaxTtl.TotalDays} days");
        Network = CidrRule.FoldMapped(network);
        Ttl = ttl;
    }

    /// <summary>The destination network.</summary>
    public IPNetwork Network { get; }

    /// <summary>How long the rule lasts once applied; null means permanent.</summary>
    public TimeSpan? Ttl { get; }

    /// <summary>Parses canonical CIDR text (e.g. <c>10.0.0.0/8</c>) strictly, as the daemon will.</summary>
    /// <exception cref="Netfence.Policy.Validation.PolicyValidationException">The text is not a canonical CIDR.</exception>
    public static CidrGrant Parse(string cidr, TimeSpan? ttl = null, string field = "cidr") => new(CidrRule.ParseNetwork(cidr, field), ttl);

    /// <inheritdoc/>
    public override string ToString() => Ttl is { } t ? $"{Network} ttl={t}" : Network.ToString();
}

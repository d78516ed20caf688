using System.Net;
using Netfence.Bpf.Maps;
using Netfence.Policy.Validation;

namespace Netfence.Policy.Rules;

/// <summary>
/// One destination network of an allow or deny list, with an optional absolute expiry (the protocol's
/// relative TTL is turned into a point in time when the rule is accepted, so a restart does not
/// extend it).
/// </summary>
/// <remarks>
/// An IPv4-mapped IPv6 network (inside <c>::ffff:0:0/96</c>) is stored as the IPv4 network it maps:
/// <c>::ffff:10.0.0.0/104</c> is kept as <c>10.0.0.0/8</c> and <c>::ffff:0:0/96</c> as <c>0.0.0.0/0</c>.
/// The datapath normalises a mapped destination to IPv4 before the lookup (pitfall 3), so this is the
/// only form that can match, and it makes the two spellings of one network a single rule. Networks
/// that merely contain the mapped range (<c>::/0</c>, <c>::/64</c>) stay IPv6 rules: mapped traffic is
/// IPv4 traffic and is decided by IPv4 rules.
/// </remarks>
public sealed record CidrRule(IPNetwork Network, DateTimeOffset? ExpiresAt)
{
    /// <summary>Whether the rule no longer applies at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } at && at <= now;

    /// <summary>
    /// Parses rule text strictly through <see cref="Cidr"/> and folds an IPv4-mapped network to IPv4.
    /// </summary>
    /// <exception cref="PolicyValidationException">The text is not a canonical CIDR.</exception>
    public static IPNetwork ParseNetwork(string text, string field)
    {
        if (!Cidr.TryParse(text, out var network, out var problem))
            throw new PolicyValidationException(field, problem!);
        return FoldMapped(network);
    }

    /// <summary>The IPv4 network an IPv4-mapped IPv6 network stands for; any other network unchanged.</summary>
    public static IPNetwork FoldMapped(IPNetwork network)
    {
        if (network.PrefixLength >= 96 && network.BaseAddress.IsIPv4MappedToIPv6)
            return new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96);
        return network;
    }
}

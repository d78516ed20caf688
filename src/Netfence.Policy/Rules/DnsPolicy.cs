using System.Collections.Immutable;
using System.Net;
using Netfence.Policy.Modes;

namespace Netfence.Policy.Rules;

/// <summary>
/// The DNS half of a <see cref="RuleSet"/>: mode, allow and deny lists (each pattern at most once per
/// list), and upstream servers (empty means the daemon's default).
/// </summary>
public sealed class DnsPolicy : IEquatable<DnsPolicy>
{
    /// <summary>Unspecified mode and no names: every query refused.</summary>
    public static DnsPolicy RefuseAll { get; } = new(DnsMode.Unspecified, [], [], []);

    /// <summary>Creates a policy; each list must name each pattern at most once.</summary>
    /// <exception cref="ArgumentException">A pattern appears twice in one list, or a mode is undefined.</exception>
    public DnsPolicy(DnsMode mode, IEnumerable<DomainRule> allowDomains, IEnumerable<DomainRule> denyDomains, IEnumerable<IPEndPoint> upstreams)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentException($"DNS mode {(int)mode} is not defined", nameof(mode));
        Mode = mode;
        AllowDomains = Distinct(allowDomains, nameof(allowDomains));
        DenyDomains = Distinct(denyDomains, nameof(denyDomains));
        Upstreams = [.. upstreams];
    }

    /// <summary>The mode as given.</summary>
    public DnsMode Mode { get; }

    /// <summary>The mode to enforce (fail-closed for <see cref="DnsMode.Unspecified"/>).</summary>
    public DnsMode EnforcedMode => Mode.Enforced();

    /// <summary>Names to answer in allowlist mode.</summary>
    public ImmutableArray<DomainRule> AllowDomains { get; }

    /// <summary>Names to refuse in denylist mode.</summary>
    public ImmutableArray<DomainRule> DenyDomains { get; }

    /// <summary>Where allowed queries go; empty means the daemon's configured default.</summary>
    public ImmutableArray<IPEndPoint> Upstreams { get; }

    /// <summary>A copy with another mode.</summary>
    public DnsPolicy WithMode(DnsMode mode) => new(mode, AllowDomains, DenyDomains, Upstreams);

    /// <summary>A copy with <paramref name="rule"/> in the allow list (replacing the entry with the same pattern).</summary>
    public DnsPolicy WithAllowed(DomainRule rule) => new(Mode, Upsert(AllowDomains, rule), DenyDomains, Upstreams);

    /// <summary>A copy with <paramref name="rule"/> in the deny list (replacing the entry with the same pattern).</summary>
    public DnsPolicy WithDenied(DomainRule rule) => new(Mode, AllowDomains, Upsert(DenyDomains, rule), Upstreams);

    /// <summary>A copy without entries whose pattern is <paramref name="pattern"/>, from both lists.</summary>
    public DnsPolicy Without(string pattern) =>
        new(Mode, AllowDomains.Where(r => r.Pattern != pattern), DenyDomains.Where(r => r.Pattern != pattern), Upstreams);

    static ImmutableArray<DomainRule> Upsert(ImmutableArray<DomainRule> list, DomainRule rule)
    {
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i].Pattern == rule.Pattern) return list.SetItem(i, rule);
        }
        return list.Add(rule);
    }

    static ImmutableArray<DomainRule> Distinct(IEnumerable<DomainRule> rules, string name)
    {
        var list = rules.ToImmutableArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in list)
        {
            if (!seen.Add(rule.Pattern)) throw new ArgumentException($"'{rule.Pattern}' appears twice", name);
        }
        return list;
    }

    /// <inheritdoc/>
    public bool Equals(DnsPolicy? other) =>
        other is not null && Mode == other.Mode
        && AllowDomains.SequenceEqual(other.AllowDomains)
        && DenyDomains.SequenceEqual(other.DenyDomains)
        && Upstreams.SequenceEqual(other.Upstreams);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DnsPolicy);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Mode, AllowDomains.Length, DenyDomains.Length, Upstreams.Length);
}

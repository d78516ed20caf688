using System.Collections.Immutable;
using System.Net;
using Netfence.Policy.Modes;

namespace Netfence.Policy.Rules;

/// <summary>
/// The whole policy of one attachment, immutable so that an update is built beside the current one
/// and switched in a single step (pitfall 9: no clear-then-refill window). Each list holds a network
/// at most once; IPv4-mapped networks are folded to IPv4 (see <see cref="CidrRule"/>).
/// </summary>
public sealed class RuleSet : IEquatable<RuleSet>
{
    /// <summary>What an attachment enforces before any configuration: nothing passes, DNS refuses everything.</summary>
    public static RuleSet BlockAll { get; } = new(PolicyMode.BlockAll, [], [], DnsPolicy.RefuseAll);

    /// <summary>Creates a rule set.</summary>
    /// <exception cref="ArgumentException">A network appears twice in one list, or the mode is undefined.</exception>
    public RuleSet(PolicyMode mode, IEnumerable<CidrRule> allowCidrs, IEnumerable<CidrRule> denyCidrs, DnsPolicy dns)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentException($"policy mode {(int)mode} is not defined", nameof(mode));
        Mode = mode;
        AllowCidrs = Distinct(allowCidrs, nameof(allowCidrs));
        DenyCidrs = Distinct(denyCidrs, nameof(denyCidrs));
        Dns = dns ?? throw new ArgumentNullException(nameof(dns));
    }

    /// <summary>The mode as the control plane gave it.</summary>
    public PolicyMode Mode { get; }

    /// <summary>The mode the datapath enforces: <see cref="PolicyMode.BlockAll"/> for anything not explicit.</summary>
    public PolicyMode EnforcedMode => Mode.Enforced();

    /// <summary>Destinations allowed in allowlist mode.</summary>
    public ImmutableArray<CidrRule> AllowCidrs { get; }

    /// <summary>Destinations blocked in denylist mode.</summary>
    public ImmutableArray<CidrRule> DenyCidrs { get; }

    /// <summary>The DNS configuration.</summary>
    public DnsPolicy Dns { get; }

    /// <summary>A copy with another mode.</summary>
    public RuleSet WithMode(PolicyMode mode) => new(mode, AllowCidrs, DenyCidrs, Dns);

    /// <summary>A copy with <paramref name="rule"/> in the allow list, replacing an entry for the same network.</summary>
    public RuleSet WithAllowed(CidrRule rule) => new(Mode, Upsert(AllowCidrs, rule), DenyCidrs, Dns);

    /// <summary>A copy with <paramref name="rule"/> in the deny list, replacing an entry for the same network.</summary>
    public RuleSet WithDenied(CidrRule rule) => new(Mode, AllowCidrs, Upsert(DenyCidrs, rule), Dns);

    /// <summary>A copy without <paramref name="network"/> in either list.</summary>
    public RuleSet Without(IPNetwork network) =>
        new(Mode, AllowCidrs.Where(r => r.Network != network), DenyCidrs.Where(r => r.Network != network), Dns);

    /// <summary>A copy with another DNS configuration.</summary>
    public RuleSet WithDns(DnsPolicy dns) => new(Mode, AllowCidrs, DenyCidrs, dns);

    static ImmutableArray<CidrRule> Upsert(ImmutableArray<CidrRule> list, CidrRule rule)
    {
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i].Network == rule.Network) return list.SetItem(i, rule);
        }
        return list.Add(rule);
    }

    static ImmutableArray<CidrRule> Distinct(IEnumerable<CidrRule> rules, string name)
    {
        var list = rules.ToImmutableArray();
        var seen = new HashSet<IPNetwork>();
        foreach (var rule in list)
        {
            if (!seen.Add(rule.Network)) throw new ArgumentException($"{rule.Network} appears twice", name);
        }
        return list;
    }

    /// <inheritdoc/>
    public bool Equals(RuleSet? other) =>
        other is not null && Mode == other.Mode
        && AllowCidrs.SequenceEqual(other.AllowCidrs)
        && DenyCidrs.SequenceEqual(other.DenyCidrs)
        && Dns.Equals(other.Dns);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as RuleSet);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Mode, AllowCidrs.Length, DenyCidrs.Length, Dns);
}

using Netfence.Policy.Rules;

namespace Netfence.Dns.Filtering;

/// <summary>
/// Which domain rules a new DNS policy changes against the one before, so that a rule change re-judges only the learned
/// addresses and cached answers whose names those rules can concern. A rule added to the allow list or removed from the
/// deny list only ever lets more through (<see cref="DomainRuleMatcher"/>: the most specific rule decides and deny
/// wins ties, so neither can make a name newly denied); a rule removed from the allow list or added to the deny list
/// may withdraw something (<see cref="Narrowing"/>). A change of the enforced mode, or a first policy, concerns
/// <see cref="Everything"/>.
/// </summary>
/// <param name="Everything">Whether every name must be judged again.</param>
/// <param name="Narrowing">Rules whose names may now be refused or end a CNAME chain: allow rules removed, deny rules added.</param>
/// <param name="Changed">Every rule added to or removed from either list (what an answer's shape may depend on, both ways).</param>
public sealed record RuleChange(bool Everything, IReadOnlyList<DomainRule> Narrowing, IReadOnlyList<DomainRule> Changed)
{
    /// <summary>What <paramref name="after"/> changes against <paramref name="before"/> (null: no policy before).</summary>
    public static RuleChange Between(DnsPolicy? before, DnsPolicy after)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (before is null || before.EnforcedMode != after.EnforcedMode) return new RuleChange(true, [], []);
        var allowRemoved = before.AllowDomains.Except(after.AllowDomains).ToList();
        var allowAdded = after.AllowDomains.Except(before.AllowDomains).ToList();
        var denyRemoved = before.DenyDomains.Except(after.DenyDomains).ToList();
        var denyAdded = after.DenyDomains.Except(before.DenyDomains).ToList();
        return new RuleChange(false, [.. allowRemoved, .. denyAdded], [.. allowRemoved, .. denyAdded, .. allowAdded, .. denyRemoved]);
    }

    /// <summary>Whether the rules are the same as before.</summary>
    public bool None => !Everything && Changed.Count == 0;
}

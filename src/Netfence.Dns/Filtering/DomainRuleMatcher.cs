using Netfence.Policy.Modes;
using Netfence.Policy.Rules;

namespace Netfence.Dns.Filtering;

/// <summary>
/// Decides a canonical query name against a <see cref="DnsPolicy"/> in time proportional to the number of
/// labels, whatever the number of rules. The most specific matching rule decides, across both lists:
/// a rule for a longer name beats one for a shorter name, and for the queried name itself an exact rule
/// beats one that includes subdomains. On a tie (the same pattern allowed and denied, or
/// <c>example.com</c> with subdomains and <c>*.example.com</c> both covering <c>a.example.com</c>) deny wins.
/// With no matching rule, allowlist mode blocks and denylist mode allows.
/// </summary>
public sealed class DomainRuleMatcher
{
    [Flags]
    enum Kinds
    {
        None = 0,
        AllowExact = 1, DenyExact = 2,
        AllowSubtree = 4, DenySubtree = 8,      // the name and everything below it
        AllowBelow = 16, DenyBelow = 32,        // everything below it only (*.name)
    }

    readonly Dictionary<string, Kinds> _rules = new(StringComparer.Ordinal);

    /// <summary>Indexes <paramref name="policy"/>'s lists.</summary>
    public DomainRuleMatcher(DnsPolicy policy)
    {
        Policy = policy;
        Mode = policy.EnforcedMode;
        foreach (var rule in policy.AllowDomains) Add(rule, allow: true);
        foreach (var rule in policy.DenyDomains) Add(rule, allow: false);
    }

    /// <summary>The policy this matcher decides.</summary>
    public DnsPolicy Policy { get; }

    /// <summary>The enforced (fail-closed) mode.</summary>
    public DnsMode Mode { get; }

    void Add(DomainRule rule, bool allow)
    {
        var kind = rule.Match switch
        {
            DomainMatch.Exact => allow ? Kinds.AllowExact : Kinds.DenyExact,
            DomainMatch.WithSubdomains => allow ? Kinds.AllowSubtree : Kinds.DenySubtree,
            _ => allow ? Kinds.AllowBelow : Kinds.DenyBelow,
        };
        _rules[rule.Name] = _rules.GetValueOrDefault(rule.Name) | kind;
    }

    /// <summary>The verdict for <paramref name="name"/> (canonical: lower case, no trailing dot).</summary>
    public Verdict Decide(string name) => Mode switch
    {
        DnsMode.Disabled => Verdict.Forward,
        DnsMode.Proxy => Verdict.AskControlPlane,
        DnsMode.Denylist => MostSpecific(name) ?? Verdict.Allow,
        _ => MostSpecific(name) ?? Verdict.Block,
    };

    /// <summary>Whether <paramref name="name"/> is matched by a rule, and the rule's verdict; null if none matches.</summary>
    public Verdict? MostSpecific(string name)
    {
        if (name.Length == 0) return null;
        if (_rules.TryGetValue(name, out var own))
        {
            if ((own & (Kinds.AllowExact | Kinds.DenyExact)) != 0) return (own & Kinds.DenyExact) != 0 ? Verdict.Block : Verdict.Allow;
            if ((own & (Kinds.AllowSubtree | Kinds.DenySubtree)) != 0) return (own & Kinds.DenySubtree) != 0 ? Verdict.Block : Verdict.Allow;
        }
        var lookup = _rules.GetAlternateLookup<ReadOnlySpan<char>>();
        int dot = name.IndexOf('.');
        while (dot >= 0)
        {
            var parent = name.AsSpan(dot + 1);
            if (lookup.TryGetValue(parent, out var kinds))
            {
                var below = kinds & (Kinds.AllowSubtree | Kinds.DenySubtree | Kinds.AllowBelow | Kinds.DenyBelow);
                if (below != 0) return (below & (Kinds.DenySubtree | Kinds.DenyBelow)) != 0 ? Verdict.Block : Verdict.Allow;
            }
            int next = name.IndexOf('.', dot + 1);
            dot = next;
        }
        return null;
    }

}

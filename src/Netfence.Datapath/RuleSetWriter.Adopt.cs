using System.Net;
using System.Net.Sockets;
using Netfence.Policy.Rules;
using Netfence.Programs.Layout;

namespace Netfence.Datapath;

public sealed partial class RuleSetWriter
{
    // Expiries are written as boot-clock nanoseconds computed from wall-clock times; two conversions of
    // the same expiry a restart apart differ by the drift between the two clocks, which is far below this.
    private static readonly ulong ExpirySlackNs = (ulong)TimeSpan.FromSeconds(2).Ticks * 100;

    /// <summary>
    /// Takes over attachments a previous process wrote (pitfall 10: a restart changes nothing that was right). For
    /// each policy the kernel's entry and active rule set are compared with what the policy would write; when they
    /// match, the writer only learns the contents (no map is written) and later single-entry changes work; when they
    /// differ, or the attachment has no entry, the policy is applied with the usual atomic flip. The rule tries are
    /// scanned once for all policies, so a restart with many attachments costs one pass over the maps. Every rule set
    /// in the tries that no attachment entry points at (half-written by a crash in a flip, or retired by a flip or a
    /// removal whose process died before its grace period ended) is cleared first, after a grace period.
    /// </summary>
    /// <returns>The targets whose kernel state was rewritten.</returns>
    /// <exception cref="DatapathFullException">A rewrite did not fit; attachments before it were adopted.</exception>
    public IReadOnlyList<AttachmentTarget> Adopt(IReadOnlyList<AdoptedPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var kernel4 = new Dictionary<uint, Dictionary<(uint, uint), RuleValue>>();
        foreach (var (key, value) in _maps.Rules4.LookupBatch())
            SetOf(kernel4, key.RuleSet)[(key.PrefixLength, key.Address)] = value;
        var kernel6 = new Dictionary<uint, Dictionary<(uint, uint, uint, uint, uint), RuleValue>>();
        foreach (var (key, value) in _maps.Rules6.LookupBatch())
            SetOf(kernel6, key.RuleSet)[(key.PrefixLength, key.Address0, key.Address1, key.Address2, key.Address3)] = value;

        ClearStraySets(kernel4, kernel6);

        var now = _clock();
        var bootNow = BootClock.NowNs();
        var rewritten = new List<AttachmentTarget>();
        foreach (var policy in policies)
        {
            policy.Settings.Validate();
            var live = policy.Learned.Where(l => !l.IsExpired(now)).ToList();
            if (_attachments.TryGetValue(policy.Target, out var state) && !state.Known)
            {
                var prefixes = Prefixes(policy.Rules, live);
                var expected = BuildEntry(state.Index, state.ActiveSet, policy.Rules.EnforcedMode, policy.Settings);
                if (Same(expected, state.Entry) && SameSet(state.ActiveSet, prefixes, kernel4, kernel6, now, bootNow))
                {
                    _attachments[policy.Target] = state with { Known = true, Prefixes = prefixes };
                    continue;
                }
            }
            ApplyWithLearned(policy.Target, policy.Rules, policy.Settings, live);
            rewritten.Add(policy.Target);
        }
        return rewritten;
    }

    /// <summary>
    /// Removes every entry in the attachment table that none of <paramref name="keep"/> names (attachments whose
    /// owner is gone: a target that vanished while the daemon was down, or an attach a crash interrupted).
    /// </summary>
    /// <returns>The targets removed.</returns>
    public IReadOnlyList<AttachmentTarget> RemoveAllExcept(IReadOnlySet<AttachmentTarget> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var orphans = _attachments.Where(a => !keep.Contains(a.Key)).ToList();
        foreach (var (target, state) in orphans) Detach(target, state);
        // One grace period and one pass of batch deletes for all of them.
        ReclaimRetired();
        foreach (var (_, state) in orphans) ResetCounters(state.Index);
        return [.. orphans.Select(o => o.Key)];
    }

    // The sets present in the tries that no entry points at; their keys come from the scan Adopt made anyway.
    private void ClearStraySets(Dictionary<uint, Dictionary<(uint, uint), RuleValue>> kernel4,
        Dictionary<uint, Dictionary<(uint, uint, uint, uint, uint), RuleValue>> kernel6)
    {
        var active = _attachments.Values.Select(s => s.ActiveSet).ToHashSet();
        foreach (var ruleSet in kernel4.Keys.Union(kernel6.Keys).Where(id => !active.Contains(id)))
        {
            Rule4Key[] keys4 = [.. (kernel4.GetValueOrDefault(ruleSet) ?? []).Keys.Select(k => new Rule4Key { PrefixLength = k.Item1, RuleSet = ruleSet, Address = k.Item2 })];
            Rule6Key[] keys6 = [.. (kernel6.GetValueOrDefault(ruleSet) ?? []).Keys.Select(k => new Rule6Key
            {
                PrefixLength = k.Item1, RuleSet = ruleSet, Address0 = k.Item2, Address1 = k.Item3, Address2 = k.Item4, Address3 = k.Item5,
            })];
            Retire(ruleSet, keys4, keys6);
            kernel4.Remove(ruleSet);
            kernel6.Remove(ruleSet);
        }
        ReclaimRetired();
        foreach (var (target, state) in _attachments.ToList())
            _attachments[target] = state with { InactiveClean = true };
    }

    private static Dictionary<IPNetwork, PrefixRules> Prefixes(RuleSet rules, IReadOnlyList<LearnedIp> learned)
    {
        var prefixes = new Dictionary<IPNetwork, PrefixRules>();
        foreach (var rule in rules.AllowCidrs)
            prefixes[Fold(rule.Network)] = Get(prefixes, Fold(rule.Network)) with { Allow = true, AllowUntil = rule.ExpiresAt };
        foreach (var rule in rules.DenyCidrs)
            prefixes[Fold(rule.Network)] = Get(prefixes, Fold(rule.Network)) with { Deny = true, DenyUntil = rule.ExpiresAt };
        foreach (var entry in learned)
        {
            var network = Host(entry.Address);
            var current = Get(prefixes, network);
            if (current.LearnedUntil is not { } existing || existing < entry.ExpiresAt)
                prefixes[network] = current with { LearnedUntil = entry.ExpiresAt };
        }
        return prefixes;
    }

    private static bool SameSet(uint ruleSet, Dictionary<IPNetwork, PrefixRules> prefixes,
        Dictionary<uint, Dictionary<(uint, uint), RuleValue>> kernel4,
        Dictionary<uint, Dictionary<(uint, uint, uint, uint, uint), RuleValue>> kernel6, DateTimeOffset now, ulong bootNow)
    {
        var have4 = kernel4.GetValueOrDefault(ruleSet) ?? [];
        var have6 = kernel6.GetValueOrDefault(ruleSet) ?? [];
        int count4 = 0, count6 = 0;
        foreach (var (network, rules) in prefixes)
        {
            RuleValue expected, actual;
            if (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
            {
                var key = RuleKeys.Key4(ruleSet, network);
                expected = rules.ToValue(key.PrefixLength, now, bootNow);
                if (!have4.TryGetValue((key.PrefixLength, key.Address), out actual)) return false;
                count4++;
            }
            else
            {
                var key = RuleKeys.Key6(ruleSet, network);
                expected = rules.ToValue(key.PrefixLength, now, bootNow);
                if (!have6.TryGetValue((key.PrefixLength, key.Address0, key.Address1, key.Address2, key.Address3), out actual)) return false;
                count6++;
            }
            if (expected.Flags != actual.Flags || expected.PrefixLength != actual.PrefixLength
                || !SameExpiry(expected.AllowExpiresNs, actual.AllowExpiresNs) || !SameExpiry(expected.DenyExpiresNs, actual.DenyExpiresNs))
                return false;
        }
        return count4 == have4.Count && count6 == have6.Count;
    }

    // 0 is permanent and 1 is "already expired": both must match exactly; other expiries within the slack.
    private static bool SameExpiry(ulong expected, ulong actual) =>
        expected <= 1 || actual <= 1 ? expected == actual
            : (expected > actual ? expected - actual : actual - expected) <= ExpirySlackNs;

    private static bool Same(AttachmentValue a, AttachmentValue b) =>
        a.Mode == b.Mode && a.RuleSet == b.RuleSet && a.Flags == b.Flags && a.Index == b.Index && a.DnsIp4 == b.DnsIp4
        && a.DnsIp6Word0 == b.DnsIp6Word0 && a.DnsIp6Word1 == b.DnsIp6Word1 && a.DnsIp6Word2 == b.DnsIp6Word2
        && a.DnsIp6Word3 == b.DnsIp6Word3 && a.DnsPort == b.DnsPort;

    private static Dictionary<TKey, RuleValue> SetOf<TKey>(Dictionary<uint, Dictionary<TKey, RuleValue>> sets, uint ruleSet) where TKey : notnull
    {
        if (!sets.TryGetValue(ruleSet, out var set)) sets[ruleSet] = set = [];
        return set;
    }
}

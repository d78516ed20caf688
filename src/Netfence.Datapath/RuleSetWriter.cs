using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Programs;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Programs.Layout;

namespace Netfence.Datapath;

/// <summary>
/// Writes attachments' policies into the shared maps. A whole <see cref="RuleSet"/> is applied atomically: the
/// attachment's inactive rule-set id is filled in batches, the attachment entry is flipped to it in one map update,
/// and the old set is cleared only after a grace period in which every program that may have read the old entry
/// has returned, so no lookup ever sees a half-written or half-cleared set (pitfall 9). Single CIDRs and learned IPs change the active set in place, one entry at a time. A full map is a
/// <see cref="DatapathFullException"/> and leaves the previous rules enforcing (pitfall 13). Not thread-safe per
/// instance: the daemon serialises writes.
/// </summary>
public sealed partial class RuleSetWriter
{
    private const int BatchSize = 4096;
    private const int DeleteBatchSize = 65536;

    private readonly SharedMaps _maps;
    private readonly Func<DateTimeOffset> _clock;
    private readonly IGracePeriod _gracePeriod;
    private readonly Dictionary<AttachmentTarget, State> _attachments = [];

    /// <summary>
    /// A writer over <paramref name="maps"/>; it adopts the attachments the table already holds (restart).
    /// <paramref name="gracePeriod"/> (default: the kernel's, <see cref="SharedMaps.GracePeriod"/>) is awaited before
    /// a rule set that was in use is cleared.
    /// </summary>
    public RuleSetWriter(SharedMaps maps, Func<DateTimeOffset>? clock = null, IGracePeriod? gracePeriod = null)
    {
        _maps = maps ?? throw new ArgumentNullException(nameof(maps));
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        _gracePeriod = gracePeriod ?? maps.GracePeriod;
        foreach (var (key, value) in maps.Attachments.Entries())
            _attachments[new AttachmentTarget(key.Kind, key.Id)] = new State(value.Index, value.RuleSet, value) { Known = false, InactiveClean = false };
    }

    /// <summary>The attachments this writer knows (created here or adopted from the table).</summary>
    public IReadOnlyCollection<AttachmentTarget> Targets => _attachments.Keys;

    /// <summary>The attachment entry as the kernel has it, or null.</summary>
    public AttachmentValue? Entry(AttachmentTarget target) =>
        _maps.Attachments.TryLookup(target.Key, out var value) ? value : null;

    /// <summary>
    /// Makes <paramref name="rules"/> (with <paramref name="settings"/>) the attachment's policy in one step. A new
    /// attachment gets an index and its entry; learned IPs of an existing one are kept. The mode written is the
    /// enforced one (unspecified becomes block-all).
    /// </summary>
    /// <returns>Where the time went (the write, the flip, the grace period and the clearing of the old set).</returns>
    /// <exception cref="DatapathFullException">A map is full; the previous policy stays in force.</exception>
    public RuleSetSwapTimings Apply(AttachmentTarget target, RuleSet rules, AttachmentSettings settings) => ApplyWithLearned(target, rules, settings, learned: null);

    /// <summary>
    /// Like <see cref="Apply(AttachmentTarget, RuleSet, AttachmentSettings)"/>, with <paramref name="learned"/> (e.g. restored
    /// from the daemon's store after a restart) written into the new set too, each at its own expiry.
    /// </summary>
    /// <returns>Where the time went (the write, the flip, the grace period and the clearing of the old set).</returns>
    /// <exception cref="DatapathFullException">A map is full; the previous policy stays in force.</exception>
    public RuleSetSwapTimings ApplyWithLearned(AttachmentTarget target, RuleSet rules, AttachmentSettings settings, IReadOnlyCollection<LearnedIp>? learned)
    {
        long started = Stopwatch.GetTimestamp();
        var reclaimed = new ReclaimTimings();
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        bool isNew = !_attachments.TryGetValue(target, out var state);
        state ??= new State(AllocateIndex(target), 0, default);
        uint next = state.ActiveSet == 0 ? RuleSetIds.For(state.Index, second: false) : RuleSetIds.Other(state.ActiveSet);

        var prefixes = new Dictionary<IPNetwork, PrefixRules>();
        foreach (var rule in rules.AllowCidrs)
            prefixes[Fold(rule.Network)] = Get(prefixes, Fold(rule.Network)) with { Allow = true, AllowUntil = rule.ExpiresAt };
        foreach (var rule in rules.DenyCidrs)
            prefixes[Fold(rule.Network)] = Get(prefixes, Fold(rule.Network)) with { Deny = true, DenyUntil = rule.ExpiresAt };
        if (state.Known)
        {
            foreach (var (network, known) in state.Prefixes)
            {
                if (known.LearnedUntil is { } until)
                    prefixes[network] = Get(prefixes, network) with { LearnedUntil = until };
            }
        }

        foreach (var entry in learned ?? [])
        {
            var network = Host(entry.Address);
            var current = Get(prefixes, network);
            if (current.LearnedUntil is not { } existing || existing < entry.ExpiresAt)
                prefixes[network] = current with { LearnedUntil = entry.ExpiresAt };
        }

        // After a restart the inactive set may hold what a crash left half-written, or what a flip just before the
        // crash retired; and a set retired here is cleared only after its grace period: either way, wait and clear it.
        if (!state.InactiveClean)
            Retire(next, networks: null);
        long prepared = Stopwatch.GetTimestamp();
        if (IsRetired(next))
            reclaimed += ReclaimRetired();
        long writing = Stopwatch.GetTimestamp();
        WriteSet(target, next, prefixes);
        long written = Stopwatch.GetTimestamp();

        var value = BuildEntry(state.Index, next, rules.EnforcedMode, settings);
        try
        {
            _maps.Attachments.Update(target.Key, value);
        }
        catch (MapFullException e)
        {
            DeleteSet(next, prefixes.Keys);
            throw new DatapathFullException(MapNames.Attachments, DatapathLimits.MaxAttachments, target, e);
        }

        uint old = state.ActiveSet;
        var oldPrefixes = state.Prefixes;
        bool oldKnown = state.Known;
        var previousEntry = state.Entry;
        state = new State(state.Index, next, value) { Known = true, Prefixes = prefixes };
        _attachments[target] = state;
        UpdateDnsEndpoints(target, isNew ? null : previousEntry, value);
        long flipped = Stopwatch.GetTimestamp();

        if (old != 0)
        {
            Retire(old, oldKnown ? oldPrefixes.Keys : null);
            reclaimed += ReclaimRetired();
        }
        return new RuleSetSwapTimings(prefixes.Count, Stopwatch.GetElapsedTime(started, prepared), Stopwatch.GetElapsedTime(writing, written),
            Stopwatch.GetElapsedTime(written, flipped), reclaimed.GraceWait, reclaimed.Clear);
    }

    /// <summary>Adds or replaces one allow or deny CIDR in the active set.</summary>
    public void SetCidr(AttachmentTarget target, CidrRule rule, bool deny)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var state = KnownState(target);
        var network = Fold(rule.Network);
        var current = Get(state.Prefixes, network);
        WritePrefix(target, state, network, deny
            ? current with { Deny = true, DenyUntil = rule.ExpiresAt }
            : current with { Allow = true, AllowUntil = rule.ExpiresAt });
    }

    /// <summary>Removes one allow or deny CIDR from the active set (learned IPs for the prefix stay).</summary>
    public void RemoveCidr(AttachmentTarget target, IPNetwork network, bool deny)
    {
        var state = KnownState(target);
        network = Fold(network);
        var current = Get(state.Prefixes, network);
        WritePrefix(target, state, network, deny ? current with { Deny = false, DenyUntil = null } : current with { Allow = false, AllowUntil = null });
    }

    /// <summary>
    /// Allows an address learned from DNS until exactly <see cref="LearnedIp.ExpiresAt"/>; the kernel ignores the entry
    /// once it passes, before any sweep. The caller passes the longest expiry any of its teachings gives the address
    /// (the DNS server's index), so an earlier one than the kernel holds shortens it: a teaching that was withdrawn (a
    /// deny rule for an alias, the per-name cap) must not keep the address open past what the remaining ones vouch
    /// for. Call it before the answer is released to the client (pitfall 12).
    /// </summary>
    /// <exception cref="DatapathFullException">The trie is full; the client must get SERVFAIL.</exception>
    public void SetLearned(AttachmentTarget target, LearnedIp learned)
    {
        ArgumentNullException.ThrowIfNull(learned);
        var state = KnownState(target);
        var network = Host(learned.Address);
        WritePrefix(target, state, network, Get(state.Prefixes, network) with { LearnedUntil = learned.ExpiresAt });
    }

    /// <summary>Revokes a learned address (static rules for the same prefix stay).</summary>
    public void RemoveLearned(AttachmentTarget target, IPAddress address)
    {
        var state = KnownState(target);
        var network = Host(address);
        WritePrefix(target, state, network, Get(state.Prefixes, network) with { LearnedUntil = null });
    }

    /// <summary>
    /// Removes the attachment: its entry, DNS endpoints, both rule sets (after a grace period, in batches) and
    /// counters; the index is freed.
    /// </summary>
    public void Remove(AttachmentTarget target)
    {
        if (!_attachments.TryGetValue(target, out var state)) return;
        Detach(target, state);
        ReclaimRetired();
        ResetCounters(state.Index);
    }

    /// <summary>The attachment's counters summed over CPUs.</summary>
    public (ulong Allowed, ulong Blocked) Counters(AttachmentTarget target)
    {
        if (!_attachments.TryGetValue(target, out var state))
            throw new KeyNotFoundException($"{target} is not an attachment");
        uint slot = state.Index * CounterSlots.PerAttachment;
        return (_maps.Counters.LookupSum(slot + CounterSlots.Allowed) ?? 0, _maps.Counters.LookupSum(slot + CounterSlots.Blocked) ?? 0);
    }

    // Takes the entry away and retires both sets; the caller reclaims them (once for many removals).
    private void Detach(AttachmentTarget target, State state)
    {
        _maps.Attachments.Delete(target.Key);
        UpdateDnsEndpoints(target, state.Entry, null);
        _attachments.Remove(target);
        if (state.ActiveSet != 0)
            Retire(state.ActiveSet, state.Known ? state.Prefixes.Keys : null);
        if (!state.InactiveClean)
            Retire(RuleSetIds.Other(state.ActiveSet == 0 ? RuleSetIds.For(state.Index, false) : state.ActiveSet), networks: null);
    }

    // After the grace period: a program still running on the old entry could otherwise count into a reused index.
    private void ResetCounters(uint index)
    {
        _maps.Counters.UpdateAll(index * CounterSlots.PerAttachment + CounterSlots.Allowed, 0);
        _maps.Counters.UpdateAll(index * CounterSlots.PerAttachment + CounterSlots.Blocked, 0);
    }

    private State KnownState(AttachmentTarget target)
    {
        if (!_attachments.TryGetValue(target, out var state))
            throw new KeyNotFoundException($"{target} is not an attachment: Apply a rule set first");
        if (!state.Known)
            throw new InvalidOperationException($"{target} was adopted from pinned maps; Apply its stored rule set before changing single entries");
        return state;
    }

    private void WritePrefix(AttachmentTarget target, State state, IPNetwork network, PrefixRules rules)
    {
        var now = _clock();
        var bootNow = BootClock.NowNs();
        try
        {
            if (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
            {
                var key = RuleKeys.Key4(state.ActiveSet, network);
                if (rules.IsEmpty) _maps.Rules4.Delete(key);
                else _maps.Rules4.Update(key, rules.ToValue(key.PrefixLength, now, bootNow));
            }
            else
            {
                var key = RuleKeys.Key6(state.ActiveSet, network);
                if (rules.IsEmpty) _maps.Rules6.Delete(key);
                else _maps.Rules6.Update(key, rules.ToValue(key.PrefixLength, now, bootNow));
            }
        }
        catch (MapFullException e)
        {
            throw new DatapathFullException(e.MapName, e.MaxEntries, target, e);
        }
        if (rules.IsEmpty) state.Prefixes.Remove(network);
        else state.Prefixes[network] = rules;
    }

    private void WriteSet(AttachmentTarget target, uint ruleSet, Dictionary<IPNetwork, PrefixRules> prefixes)
    {
        var now = _clock();
        var bootNow = BootClock.NowNs();
        var keys4 = new List<Rule4Key>();
        var values4 = new List<RuleValue>();
        var keys6 = new List<Rule6Key>();
        var values6 = new List<RuleValue>();
        foreach (var (network, rules) in prefixes)
        {
            if (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
            {
                var key = RuleKeys.Key4(ruleSet, network);
                keys4.Add(key);
                values4.Add(rules.ToValue(key.PrefixLength, now, bootNow));
            }
            else
            {
                var key = RuleKeys.Key6(ruleSet, network);
                keys6.Add(key);
                values6.Add(rules.ToValue(key.PrefixLength, now, bootNow));
            }
        }
        try
        {
            WriteBatches(_maps.Rules4, keys4, values4);
            WriteBatches(_maps.Rules6, keys6, values6);
        }
        catch (MapFullException e)
        {
            // Nothing points at this set yet: remove what was written and keep enforcing the old one.
            DeleteSet(ruleSet, prefixes.Keys);
            throw new DatapathFullException(e.MapName, e.MaxEntries, target, e);
        }
    }

    private static void WriteBatches<TKey>(BpfMap<TKey, RuleValue> map, List<TKey> keys, List<RuleValue> values) where TKey : unmanaged
    {
        var k = keys.ToArray();
        var v = values.ToArray();
        for (int i = 0; i < k.Length; i += BatchSize)
        {
            int n = Math.Min(BatchSize, k.Length - i);
            map.UpdateBatch(k.AsSpan(i, n), v.AsSpan(i, n));
        }
    }

    // Deletes a set nothing points at yet (a write that did not fit): no grace period is needed.
    private void DeleteSet(uint ruleSet, IEnumerable<IPNetwork> networks)
    {
        var keys4 = new List<Rule4Key>();
        var keys6 = new List<Rule6Key>();
        foreach (var network in networks)
        {
            if (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork) keys4.Add(RuleKeys.Key4(ruleSet, network));
            else keys6.Add(RuleKeys.Key6(ruleSet, network));
        }
        DeleteBatches(_maps.Rules4, [.. keys4]);
        DeleteBatches(_maps.Rules6, [.. keys6]);
    }

    private void UpdateDnsEndpoints(AttachmentTarget target, AttachmentValue? old, AttachmentValue? current)
    {
        var before = Endpoints(old);
        var after = Endpoints(current);
        foreach (var key in before.Except(after)) _maps.DnsEndpoints.Delete(key);
        foreach (var key in after.Except(before))
        {
            try
            {
                _maps.DnsEndpoints.Update(key, current!.Value.Index);
            }
            catch (MapFullException e)
            {
                throw new DatapathFullException(MapNames.DnsEndpoints, e.MaxEntries, target, e);
            }
        }
    }

    private static List<DnsEndpointKey> Endpoints(AttachmentValue? value)
    {
        var list = new List<DnsEndpointKey>();
        if (value is not { } v) return list;
        ushort port = RuleKeys.NetworkOrder(v.DnsPort);
        if ((v.Flags & AttachmentFlags.HasDns4) != 0)
            list.Add(RuleKeys.Endpoint(new IPAddress(BitConverter.GetBytes(v.DnsIp4)), port));
        if ((v.Flags & AttachmentFlags.HasDns6) != 0)
        {
            var bytes = new byte[16];
            BitConverter.TryWriteBytes(bytes.AsSpan(0), v.DnsIp6Word0);
            BitConverter.TryWriteBytes(bytes.AsSpan(4), v.DnsIp6Word1);
            BitConverter.TryWriteBytes(bytes.AsSpan(8), v.DnsIp6Word2);
            BitConverter.TryWriteBytes(bytes.AsSpan(12), v.DnsIp6Word3);
            list.Add(RuleKeys.Endpoint(new IPAddress(bytes), port));
        }
        return list;
    }

    private static AttachmentValue BuildEntry(uint index, uint ruleSet, PolicyMode mode, AttachmentSettings settings)
    {
        var value = new AttachmentValue { Mode = (uint)mode, RuleSet = ruleSet, Index = index, DnsPort = RuleKeys.NetworkOrder(settings.DnsPort) };
        if (settings.LoopbackAllowed) value.Flags |= AttachmentFlags.LoopbackAllowed;
        if (settings.DnsIpv4 is { } v4)
        {
            value.Flags |= AttachmentFlags.HasDns4;
            value.DnsIp4 = RuleKeys.Word(v4.GetAddressBytes(), 0);
        }
        if (settings.DnsIpv6 is { } v6)
        {
            var b = v6.GetAddressBytes();
            value.Flags |= AttachmentFlags.HasDns6;
            value.DnsIp6Word0 = RuleKeys.Word(b, 0);
            value.DnsIp6Word1 = RuleKeys.Word(b, 4);
            value.DnsIp6Word2 = RuleKeys.Word(b, 8);
            value.DnsIp6Word3 = RuleKeys.Word(b, 12);
        }
        return value;
    }

    private uint AllocateIndex(AttachmentTarget target)
    {
        var used = _attachments.Values.Select(s => s.Index).ToHashSet();
        for (uint i = 0; i < DatapathLimits.MaxAttachments; i++)
        {
            if (!used.Contains(i)) return i;
        }
        throw new DatapathFullException(MapNames.Attachments, DatapathLimits.MaxAttachments, target);
    }

    private static IPNetwork Fold(IPNetwork network) => CidrRule.FoldMapped(network);

    private static IPNetwork Host(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
    }

    private static PrefixRules Get(Dictionary<IPNetwork, PrefixRules> prefixes, IPNetwork network) =>
        prefixes.TryGetValue(network, out var rules) ? rules : PrefixRules.None;

    private sealed record State(uint Index, uint ActiveSet, AttachmentValue Entry)
    {
        public bool Known { get; init; } = true;

        // False while the inactive set may hold entries (adopted after a restart, until Adopt clears stray sets).
        public bool InactiveClean { get; init; } = true;
        public Dictionary<IPNetwork, PrefixRules> Prefixes { get; init; } = [];
    }
}

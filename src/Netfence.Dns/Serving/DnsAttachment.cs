using System.Net;
using Microsoft.Extensions.Logging;
using Netfence.Dns.Caching;
using Netfence.Dns.Filtering;
using Netfence.Dns.Learning;
using Netfence.Dns.Proxy;
using Netfence.Dns.Upstream;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;

namespace Netfence.Dns.Serving;

/// <summary>
/// The DNS server state of one attachment: its configuration (none until <see cref="ConfigureAsync"/>:
/// every query is refused, pitfall 14), counters, rate limit, learned-IP index and cache. Query handling
/// is in <c>DnsAttachment.Query.cs</c>; the sockets belong to <see cref="DnsServer"/>.
/// </summary>
public sealed partial class DnsAttachment
{
    readonly DnsServerOptions _options;
    readonly IAllowlistWriter _writer;
    readonly IDnsControlPlane? _controlPlane;
    readonly UpstreamClient _upstreams;
    readonly ILogger _logger;
    readonly TimeProvider _time;
    readonly TokenBucket _rate;
    readonly LearnedIpIndex _index;
    readonly AnswerCache _cache;
    // Serialises the index and the kernel writes that mirror it, so a revocation cannot interleave with a learn.
    readonly SemaphoreSlim _learning = new(1, 1);
    volatile AttachmentDnsConfig? _config;
    int _inFlight;

    internal DnsAttachment(string id, DnsServerOptions options, IAllowlistWriter writer, IDnsControlPlane? controlPlane,
        UpstreamClient upstreams, ILogger logger, TimeProvider time)
    {
        Id = id;
        _options = options;
        _writer = writer;
        _controlPlane = controlPlane;
        _upstreams = upstreams;
        _logger = logger;
        _time = time;
        _rate = new TokenBucket(options.QueriesPerSecond, time);
        _index = new LearnedIpIndex(options.MaxIpsPerName);
        _cache = new AnswerCache(options.CacheEntriesPerAttachment, time);
    }

    /// <summary>The attachment id.</summary>
    public string Id { get; }

    /// <summary>Where the server listens (UDP and TCP), once bound.</summary>
    public IPEndPoint? Endpoint { get; internal set; }

    /// <summary>What the server did.</summary>
    public DnsCounters Counters { get; } = new();

    /// <summary>Whether a configuration has been applied (before that, everything is refused).</summary>
    public bool IsConfigured => _config is not null;

    /// <summary>
    /// Applies <paramref name="policy"/> in one step, then withdraws what the new rules would not have taught (pitfall 11)
    /// and revokes the addresses left without a teaching: each teaching is judged again on its whole chain, as a fresh
    /// answer would be — its question must still be allowed and no CNAME target on the way may be denied — so an
    /// address learned through an alias goes when a deny rule for the alias's target arrives, unless another teaching
    /// still vouches for it. Only the teachings with a name a narrowing rule can match are judged (a rule that only
    /// allows more revokes nothing, and costs nothing per learned address). Cached answers with a name a changed rule
    /// matches are dropped. In proxy mode the control plane decides each question, so only the aliases are judged; in
    /// disabled mode DNS teaches nothing, so everything learned is revoked. <paramref name="explicitlyAllowed"/> tells
    /// rebinding protection which internal addresses a CIDR rule allows.
    /// </summary>
    public async Task<AllowlistWriteResult> ConfigureAsync(DnsPolicy policy, Func<IPAddress, bool>? explicitlyAllowed = null, CancellationToken cancellationToken = default)
    {
        var matcher = new DomainRuleMatcher(policy);
        var upstreams = policy.Upstreams.IsDefaultOrEmpty ? _options.DefaultUpstreams : policy.Upstreams;
        await _learning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var previous = _config;
            var config = new AttachmentDnsConfig(matcher, upstreams, explicitlyAllowed ?? (_ => false), (previous?.Generation ?? 0) + 1);
            var change = RuleChange.Between(previous?.Matcher.Policy, policy);
            _config = config;
            // After the new configuration is visible: an answer filtered under the old one is then either in the cache
            // already (and judged here) or refused by it (its generation is stale).
            _cache.Reconfigure(config.Generation, change, all: previous is null || !previous.Upstreams.SequenceEqual(upstreams));
            var candidates = change.Everything ? null : change.Narrowing.SelectMany(rule => _index.ChainsAtOrBelow(rule.Name)).ToList();
            var (remove, rewrite, withdrawn) = candidates is { Count: 0 } ? ([], [], []) : _index.Revoke(chain => StillTeaches(config, chain), candidates);
            var result = await WithdrawAsync(remove, rewrite, withdrawn, cancellationToken).ConfigureAwait(false);
            if (remove.Count > 0) _logger.LogInformation("attachment {Id}: the new DNS rules revoke {Count} learned IPs", Id, remove.Count);
            if (!result.Succeeded) _logger.LogError("attachment {Id}: revoking learned IPs failed: {Failure} {Detail}", Id, result.Failure, result.Detail);
            return result;
        }
        finally
        {
            _learning.Release();
        }
    }

    static bool StillTeaches(AttachmentDnsConfig config, string question) => config.Matcher.Decide(question) switch
    {
        Verdict.Allow or Verdict.AskControlPlane => true,
        _ => false,
    };

    // Whether an answer arriving under config would teach through chain: the question is allowed and no alias on the way
    // is denied (where AnswerFilter ends the chain).
    static bool StillTeaches(AttachmentDnsConfig config, TeachingChain chain)
    {
        if (!StillTeaches(config, chain.Question)) return false;
        foreach (var alias in chain.Aliases)
        {
            if (config.DeniesAlias(alias)) return false;
        }
        return true;
    }

    // Tells the writer what a withdrawal (a rule change, the per-name cap) left: addresses no teaching vouches for leave,
    // the withdrawn pairs of those that stay are forgotten, and their expiry follows the teachings left. Both writes are
    // attempted; the first failure is the result. A ValueTask: every answer that teaches passes here, nearly always with
    // nothing withdrawn, and then completes at once without allocating a task.
    async ValueTask<AllowlistWriteResult> WithdrawAsync(List<IPAddress> remove, List<LearnedIp> rewrite, List<Taught> withdrawn, CancellationToken cancellationToken)
    {
        var result = AllowlistWriteResult.Ok;
        if (remove.Count > 0 || withdrawn.Count > 0)
            result = await _writer.RemoveAsync(Id, remove, [.. withdrawn.Select(t => t.ToLearnedIp())], cancellationToken).ConfigureAwait(false);
        if (rewrite.Count > 0)
        {
            var rewritten = await _writer.WriteAsync(Id, rewrite, [], cancellationToken).ConfigureAwait(false);
            if (result.Succeeded) result = rewritten;
        }
        return result;
    }

    /// <summary>
    /// Removes learned pairs that expired; addresses no name vouches for leave the kernel map. The expired pairs of
    /// addresses that stay are not reported: a mirror keeping the same expiries (the store) sweeps them itself.
    /// </summary>
    public async Task<AllowlistWriteResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        await _learning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var remove = _index.Sweep(_time.GetUtcNow());
            return remove.Count == 0 ? AllowlistWriteResult.Ok : await _writer.RemoveAsync(Id, remove, [], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _learning.Release();
        }
    }

    /// <summary>
    /// Takes back the teachings a restarted daemon's store kept for this attachment (each address through each chain,
    /// with its expiry), before the first configuration, so that the rule changes that follow judge them on their whole
    /// chains as before the restart. The kernel still holds their addresses and the store their rows: nothing is written.
    /// </summary>
    public async Task RestoreAsync(IReadOnlyList<LearnedIp> teachings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(teachings);
        var restored = teachings.Select(Taught.From).ToList();
        await _learning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _index.Restore(restored, _time.GetUtcNow());
        }
        finally
        {
            _learning.Release();
        }
    }

    /// <summary>A snapshot of every teaching: each address through each chain, with its expiry.</summary>
    public async Task<IReadOnlyList<Taught>> TeachingsAsync(CancellationToken cancellationToken = default)
    {
        await _learning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return [.. _index.Teachings];
        }
        finally
        {
            _learning.Release();
        }
    }

    /// <summary>A snapshot of the learned addresses (each with its longest expiry).</summary>
    public async Task<IReadOnlyList<LearnedIp>> LearnedAsync(CancellationToken cancellationToken = default)
    {
        await _learning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return [.. _index.Entries];
        }
        finally
        {
            _learning.Release();
        }
    }

    /// <summary>What became of an answer's learning.</summary>
    enum LearnOutcome
    {
        /// <summary>In the kernel (or already there).</summary>
        Learned,
        /// <summary>The kernel write failed: SERVFAIL.</summary>
        Failed,
        /// <summary>A configuration applied meanwhile no longer allows the question: blocked.</summary>
        Revoked,
        /// <summary>A configuration applied meanwhile denies a name on a chain of the answer: it must be filtered again.</summary>
        Withdrawn,
    }

    /// <summary>
    /// Writes what the answer to <paramref name="name"/> taught to the kernel and then the index. If a configuration
    /// was applied since the answer was judged (<paramref name="judgedUnder"/>), its teachings are judged again first:
    /// nothing is learned when the question is no longer allowed, or when a name on a chain is now denied.
    /// </summary>
    async ValueTask<LearnOutcome> LearnAsync(int judgedUnder, string name, IReadOnlyList<LearnableAddress> learned, uint? ttlOverride, CancellationToken cancellationToken)
    {
        if (learned.Count == 0) return LearnOutcome.Learned;
        var now = _time.GetUtcNow();
        var entries = new List<Taught>(Math.Min(learned.Count, _options.MaxIpsPerName));
        int distinct = 0;
        for (int i = 0; i < learned.Count; i++)
        {
            var (learnedAddress, ttl, chain) = learned[i];
            var address = learnedAddress.IsIPv4MappedToIPv6 ? learnedAddress.MapToIPv4() : learnedAddress;
            // The same address through two owners on the chain is two teachings: it stays while either is valid.
            var (seen, same) = Find(entries, address, chain);
            if (same) continue;
            if (!seen)
            {
                if (distinct == _options.MaxIpsPerName) continue;
                distinct++;
            }
            entries.Add(new Taught(address, _options.Ttl.ExpiryFor(ttlOverride ?? ttl, now), chain));
        }
        await _learning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _config;
            if (current is null || (current.Generation != judgedUnder && !StillTeaches(current, name))) return LearnOutcome.Revoked;
            if (current.Generation != judgedUnder && entries.Exists(e => !StillTeaches(current, e.Chain))) return LearnOutcome.Withdrawn;
            if (_index.Covers(entries, _options.Ttl.RefreshSlack)) return LearnOutcome.Learned;
            var write = _index.Plan(entries);
            var result = await _writer.WriteAsync(Id, write, [.. entries.Select(e => e.ToLearnedIp())], cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                Counters.CountLearnFailure();
                _logger.LogError("attachment {Id}: writing {Count} learned IPs for {Name} failed: {Failure} {Detail}; answering SERVFAIL",
                    Id, write.Count, name, result.Failure, result.Detail);
                return LearnOutcome.Failed;
            }
            var (evicted, rewrite, withdrawn) = _index.Learn(entries);
            var withdrawal = await WithdrawAsync(evicted, rewrite, withdrawn, cancellationToken).ConfigureAwait(false);
            if (!withdrawal.Succeeded)
                _logger.LogWarning("attachment {Id}: withdrawing what the per-name cap evicted ({Count} IPs) failed: {Failure}", Id, evicted.Count, withdrawal.Failure);
            return LearnOutcome.Learned;
        }
        finally
        {
            _learning.Release();
        }
    }

    // Whether entries hold address at all, and whether through chain.
    static (bool Seen, bool Same) Find(List<Taught> entries, IPAddress address, TeachingChain chain)
    {
        bool seen = false;
        foreach (var entry in entries)
        {
            if (!entry.Address.Equals(address)) continue;
            if (entry.Chain.Equals(chain)) return (true, true);
            seen = true;
        }
        return (seen, false);
    }

    /// <summary>Claims an in-flight slot; false when the attachment is at its bound (pitfall 21).</summary>
    internal bool TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) <= _options.MaxInFlightPerAttachment) return true;
        Interlocked.Decrement(ref _inFlight);
        Counters.CountOverloaded();
        return false;
    }

    internal void Exit() => Interlocked.Decrement(ref _inFlight);

    internal DnsMode? EnforcedMode => _config?.Matcher.Mode;
}

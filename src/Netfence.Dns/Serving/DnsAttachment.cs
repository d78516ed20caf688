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
    /// Applies <paramref name="policy"/> in one step, then revokes what names no longer allowed taught
    /// (pitfall 11) unless another allowed name taught the same address. In proxy mode the control plane
    /// decides per query, so learned entries stay until they expire; in disabled mode DNS teaches nothing,
    /// so everything learned is revoked. <paramref name="explicitlyAllowed"/> tells rebinding protection
    /// which internal addresses a CIDR rule allows.
    /// </summary>
    public async Task<AllowlistWriteResult> ConfigureAsync(DnsPolicy policy, Func<IPAddress, bool>? explicitlyAllowed = null, CancellationToken cancellationToken = default)
    {
        var matcher = new DomainRuleMatcher(policy);
        var upstreams = policy.Upstreams.IsDefaultOrEmpty ? _options.DefaultUpstreams : policy.Upstreams;
        var config = new AttachmentDnsConfig(matcher, upstreams, explicitlyAllowed ?? (_ => false));
        await _learning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _config = config;
            _cache.Clear();
            var (remove, rewrite) = _index.Revoke(name => StillTeaches(config, name));
            var result = AllowlistWriteResult.Ok;
            if (remove.Count > 0) result = await _writer.RemoveAsync(Id, remove, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded && rewrite.Count > 0) result = await _writer.WriteAsync(Id, rewrite, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded) _logger.LogError("attachment {Id}: revoking learned IPs failed: {Failure} {Detail}", Id, result.Failure, result.Detail);
            return result;
        }
        finally
        {
            _learning.Release();
        }
    }

    static bool StillTeaches(AttachmentDnsConfig config, string name) => config.Matcher.Decide(name) switch
    {
        Verdict.Allow or Verdict.AskControlPlane => true,
        _ => false,
    };

    /// <summary>Removes learned pairs that expired; addresses no name vouches for leave the kernel map.</summary>
    public async Task<AllowlistWriteResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        await _learning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var remove = _index.Sweep(_time.GetUtcNow());
            return remove.Count == 0 ? AllowlistWriteResult.Ok : await _writer.RemoveAsync(Id, remove, cancellationToken).ConfigureAwait(false);
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

    enum LearnOutcome { Learned, Failed, Revoked }

    /// <summary>
    /// Writes what <paramref name="name"/> taught to the kernel and then the index. If the configuration
    /// changed since the query was decided and the name is no longer allowed, nothing is learned.
    /// </summary>
    async ValueTask<LearnOutcome> LearnAsync(AttachmentDnsConfig decidedUnder, string name, IReadOnlyList<(IPAddress Address, uint Ttl)> learned, uint? ttlOverride, CancellationToken cancellationToken)
    {
        if (learned.Count == 0) return LearnOutcome.Learned;
        var now = _time.GetUtcNow();
        var entries = new List<(IPAddress Address, DateTimeOffset ExpiresAt)>(Math.Min(learned.Count, _options.MaxIpsPerName));
        foreach (var (learnedAddress, ttl) in learned)
        {
            var address = learnedAddress.IsIPv4MappedToIPv6 ? learnedAddress.MapToIPv4() : learnedAddress;
            if (Contains(entries, address)) continue;
            entries.Add((address, _options.Ttl.ExpiryFor(ttlOverride ?? ttl, now)));
            if (entries.Count == _options.MaxIpsPerName) break;
        }
        await _learning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _config;
            if (current is null || (!ReferenceEquals(current, decidedUnder) && !StillTeaches(current, name))) return LearnOutcome.Revoked;
            if (_index.Covers(name, entries)) return LearnOutcome.Learned;
            var write = _index.Plan(name, entries);
            var result = await _writer.WriteAsync(Id, write, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                Counters.CountLearnFailure();
                _logger.LogError("attachment {Id}: writing {Count} learned IPs for {Name} failed: {Failure} {Detail}; answering SERVFAIL",
                    Id, write.Count, name, result.Failure, result.Detail);
                return LearnOutcome.Failed;
            }
            var evicted = _index.Learn(name, entries);
            if (evicted.Count > 0)
            {
                var removed = await _writer.RemoveAsync(Id, evicted, cancellationToken).ConfigureAwait(false);
                if (!removed.Succeeded) _logger.LogWarning("attachment {Id}: removing {Count} evicted IPs failed: {Failure}", Id, evicted.Count, removed.Failure);
            }
            return LearnOutcome.Learned;
        }
        finally
        {
            _learning.Release();
        }
    }

    static bool Contains(List<(IPAddress Address, DateTimeOffset ExpiresAt)> entries, IPAddress address)
    {
        foreach (var entry in entries)
        {
            if (entry.Address.Equals(address)) return true;
        }
        return false;
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

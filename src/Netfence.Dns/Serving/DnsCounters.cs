namespace Netfence.Dns.Serving;

/// <summary>
/// What one attachment's DNS server did. <see cref="Allowed"/> counts queries answered from upstream
/// (or the cache, or the control plane's override); <see cref="Blocked"/> counts queries refused by
/// policy; a query whose upstream failed is neither.
/// </summary>
public sealed class DnsCounters
{
    long _received, _allowed, _blocked, _upstreamFailures, _learnFailures, _controlPlaneFailures,
        _rateLimited, _overloaded, _malformed, _internalErrors, _cacheHits, _rebindingStripped, _addressesCapped;

    /// <summary>Packets or TCP messages received.</summary>
    public long Received => Volatile.Read(ref _received);
    /// <summary>Queries answered with upstream (or cached, or overriding) data.</summary>
    public long Allowed => Volatile.Read(ref _allowed);
    /// <summary>Queries refused by policy (including before the attachment was configured).</summary>
    public long Blocked => Volatile.Read(ref _blocked);
    /// <summary>Queries no upstream answered.</summary>
    public long UpstreamFailures => Volatile.Read(ref _upstreamFailures);
    /// <summary>Answers withheld because the kernel allowlist could not be written (SERVFAIL).</summary>
    public long LearnFailures => Volatile.Read(ref _learnFailures);
    /// <summary>Proxy-mode queries the control plane did not decide (SERVFAIL).</summary>
    public long ControlPlaneFailures => Volatile.Read(ref _controlPlaneFailures);
    /// <summary>Queries over the rate limit.</summary>
    public long RateLimited => Volatile.Read(ref _rateLimited);
    /// <summary>UDP queries dropped because the attachment already had its maximum in flight.</summary>
    public long Overloaded => Volatile.Read(ref _overloaded);
    /// <summary>Messages that were not well-formed queries.</summary>
    public long Malformed => Volatile.Read(ref _malformed);
    /// <summary>Bugs: exceptions caught at the server loop. Always zero in a healthy server.</summary>
    public long InternalErrors => Volatile.Read(ref _internalErrors);
    /// <summary>Queries answered from the cache.</summary>
    public long CacheHits => Volatile.Read(ref _cacheHits);
    /// <summary>Address records removed from answers by rebinding protection.</summary>
    public long RebindingStripped => Volatile.Read(ref _rebindingStripped);
    /// <summary>Address records removed from answers because their name already had <see cref="DnsServerOptions.MaxIpsPerName"/> addresses.</summary>
    public long AddressesCapped => Volatile.Read(ref _addressesCapped);

    internal void CountReceived() => Interlocked.Increment(ref _received);
    internal void CountAllowed() => Interlocked.Increment(ref _allowed);
    internal void CountBlocked() => Interlocked.Increment(ref _blocked);
    internal void CountUpstreamFailure() => Interlocked.Increment(ref _upstreamFailures);
    internal void CountLearnFailure() => Interlocked.Increment(ref _learnFailures);
    internal void CountControlPlaneFailure() => Interlocked.Increment(ref _controlPlaneFailures);
    internal void CountRateLimited() => Interlocked.Increment(ref _rateLimited);
    internal void CountOverloaded() => Interlocked.Increment(ref _overloaded);
    internal void CountMalformed() => Interlocked.Increment(ref _malformed);
    internal void CountInternalError() => Interlocked.Increment(ref _internalErrors);
    internal void CountCacheHit() => Interlocked.Increment(ref _cacheHits);
    internal void CountRebindingStripped(int n) => Interlocked.Add(ref _rebindingStripped, n);
    internal void CountAddressesCapped(int n) => Interlocked.Add(ref _addressesCapped, n);
}

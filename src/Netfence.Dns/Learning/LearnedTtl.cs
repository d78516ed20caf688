namespace Netfence.Dns.Learning;

/// <summary>How long a learned IP lives: the record's TTL clamped to [min, max], plus a grace period (pitfall 11).</summary>
public sealed record LearnedTtl(TimeSpan Min, TimeSpan Max, TimeSpan Grace)
{
    /// <summary>The expiry of an address learned at <paramref name="now"/> from a record with <paramref name="ttlSeconds"/>.</summary>
    public DateTimeOffset ExpiryFor(uint ttlSeconds, DateTimeOffset now)
    {
        var ttl = TimeSpan.FromSeconds(ttlSeconds);
        if (ttl < Min) ttl = Min;
        if (ttl > Max) ttl = Max;
        return now + ttl + Grace;
    }

    /// <summary>
    /// How far short of a fresh answer's expiry a recorded one may fall and still count as current, so the kernel is not
    /// rewritten. Half the grace: the kernel entry then still outlives what the client was told (its TTL, at most the
    /// clamped one) by at least half the grace period, and a hot name is rewritten once per half-grace instead of on every
    /// answer (each rewrite is a map update and a store write). No grace, no slack: every extension is written.
    /// </summary>
    public TimeSpan RefreshSlack => Grace / 2;
}

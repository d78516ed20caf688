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
}

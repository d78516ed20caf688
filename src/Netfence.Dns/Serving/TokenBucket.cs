namespace Netfence.Dns.Serving;

/// <summary>A per-attachment query rate limit: <c>rate</c> tokens per second, holding at most one second's worth.</summary>
sealed class TokenBucket(int ratePerSecond, TimeProvider time)
{
    readonly Lock _lock = new();
    double _tokens = ratePerSecond;
    long _last = time.GetTimestamp();

    public bool TryTake()
    {
        lock (_lock)
        {
            long now = time.GetTimestamp();
            _tokens = Math.Min(ratePerSecond, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * ratePerSecond);
            _last = now;
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}

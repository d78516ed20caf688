namespace Netfence.Daemon.ControlPlane;

/// <summary>
/// The delays between reconnection attempts: exponential growth with jitter, always between the configured initial
/// and maximum delay (pitfall 24).
/// </summary>
/// <remarks>
/// Attempt <c>n</c> (from 0) draws uniformly from <c>[max(initial, ceiling/2), ceiling]</c> with
/// <c>ceiling = min(max, initial · 2^(n+1))</c>. The first attempt is already jittered, because the case that matters
/// is a control plane restart that drops every daemon of a fleet at the same instant: without jitter they would all
/// come back in the same millisecond, and again after each doubling. <see cref="Reset"/> after a successful sync
/// starts over at the initial delay.
/// </remarks>
sealed class ReconnectBackoff
{
    // 2^40 · 10 ms is decades: past this the ceiling is pinned to the maximum anyway, and the shift cannot overflow.
    const int MaxDoublings = 40;

    readonly TimeSpan initial;
    readonly TimeSpan max;
    readonly Func<double> random;
    int attempt;

    /// <param name="initial">The first delay's lower bound.</param>
    /// <param name="max">No delay is longer.</param>
    /// <param name="random">A source of uniform values in [0, 1); tests pass a fixed one.</param>
    public ReconnectBackoff(TimeSpan initial, TimeSpan max, Func<double>? random = null)
    {
        if (initial <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(initial), initial, "the initial reconnect delay must be positive");
        if (max < initial) throw new ArgumentOutOfRangeException(nameof(max), max, $"the maximum reconnect delay is shorter than the initial one ({initial})");
        this.initial = initial;
        this.max = max;
        this.random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>The delay before the next attempt; each call counts one attempt.</summary>
    public TimeSpan Next()
    {
        var doublings = attempt = Math.Min(attempt + 1, MaxDoublings);
        var ceilingTicks = Math.Min((double)max.Ticks, initial.Ticks * Math.Pow(2, doublings));
        var floorTicks = Math.Max(initial.Ticks, ceilingTicks / 2);
        var ticks = floorTicks + random() * (ceilingTicks - floorTicks);
        return TimeSpan.FromTicks((long)Math.Clamp(ticks, initial.Ticks, max.Ticks));
    }

    /// <summary>Starts over at the initial delay (the last connection synced).</summary>
    public void Reset() => attempt = 0;
}

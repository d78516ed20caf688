using Netfence.Daemon.ControlPlane;

namespace Netfence.Daemon.Link.Tests.Units;

public sealed class ReconnectBackoffTests
{
    static readonly TimeSpan Initial = TimeSpan.FromSeconds(1);
    static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    static double[] Seconds(ReconnectBackoff backoff, int count) => [.. Enumerable.Range(0, count).Select(_ => backoff.Next().TotalSeconds)];

    [Fact]
    public void The_lowest_draws_double_from_the_initial_delay_up_to_half_the_maximum()
    {
        Assert.Equal([1, 2, 4, 8, 15, 15, 15], Seconds(new ReconnectBackoff(Initial, Max, () => 0), 7));
    }

    [Fact]
    public void The_highest_draws_double_from_twice_the_initial_delay_up_to_the_maximum()
    {
        Assert.Equal([2, 4, 8, 16, 30, 30], Seconds(new ReconnectBackoff(Initial, Max, () => 1), 6));
    }

    [Fact]
    public void Reset_starts_over_at_the_initial_delay()
    {
        var backoff = new ReconnectBackoff(Initial, Max, () => 0);
        Seconds(backoff, 10);
        backoff.Reset();
        Assert.Equal([1, 2], Seconds(backoff, 2));
    }

    [Fact]
    public void Every_jittered_delay_lies_between_the_bounds_even_after_many_attempts()
    {
        var random = new Random(8);
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(30), random.NextDouble);
        var delays = Enumerable.Range(0, 10_000).Select(_ => backoff.Next()).ToList();
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(30)));
        // Jitter: once at the cap, the delays still spread over [max/2, max] instead of all being equal.
        Assert.True(delays.Skip(100).Distinct().Count() > 100);
    }

    [Fact]
    public void Equal_bounds_give_a_constant_delay()
    {
        Assert.All(Seconds(new ReconnectBackoff(Initial, Initial, Random.Shared.NextDouble), 5), s => Assert.Equal(1, s));
    }

    [Fact]
    public void Bounds_out_of_order_are_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(Max, Initial));
        Assert.Contains("shorter than the initial one", error.Message);
    }
}

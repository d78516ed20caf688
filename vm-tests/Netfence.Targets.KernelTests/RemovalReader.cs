using Netfence.Daemon.Targets;

namespace Netfence.Targets.KernelTests;

/// <summary>Reading a watcher's removals with a deadline (a missing report fails the test, it never hangs it).</summary>
static class RemovalReader
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static async Task<TargetRemoved> Next(ITargetWatcher watcher, string what)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            return await watcher.Removals.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"no removal reported within {Timeout.TotalSeconds:0} s while waiting for {what}");
        }
    }

    /// <summary>
    /// The removal of <paramref name="sentinel"/>, which the test removed last: every removal the watcher noticed
    /// before it has been reported by then (one reader per mechanism, in order), so anything else read on the way is
    /// a report that should not have been made.
    /// </summary>
    public static async Task AssertOnlySentinelReported(ITargetWatcher watcher, WatchedTarget sentinel)
    {
        var removal = await Next(watcher, $"the sentinel {sentinel}");
        Assert.Equal(sentinel, removal.Target);
        Assert.False(watcher.Removals.TryRead(out var extra), $"unexpected report after the sentinel: {extra}");
    }

    /// <summary>Reads until <paramref name="count"/> removals arrived or <paramref name="timeout"/> passed.</summary>
    public static async Task<List<TargetRemoved>> Take(ITargetWatcher watcher, int count, TimeSpan timeout)
    {
        var list = new List<TargetRemoved>(count);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (list.Count < count) list.Add(await watcher.Removals.ReadAsync(deadline.Token));
        }
        catch (OperationCanceledException)
        {
        }
        return list;
    }
}

namespace Netfence.Daemon.Link.Tests.Infrastructure;

/// <summary>Polling with a deadline, for state that becomes true asynchronously (never a fixed sleep).</summary>
static class Wait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static async Task<T> UntilAsync<T>(Func<T?> probe, string what, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (true)
        {
            if (probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    public static async Task UntilAsync(Func<bool> probe, string what, TimeSpan? timeout = null) =>
        await UntilAsync(() => probe() ? "" : null, what, timeout);

    /// <summary>Awaits <paramref name="task"/>, failing the test with <paramref name="what"/> if it takes longer than the deadline.</summary>
    public static async Task<T> ForAsync<T>(Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"timed out waiting for {what}");
        }
    }
}

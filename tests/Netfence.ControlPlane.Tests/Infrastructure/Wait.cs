namespace Netfence.ControlPlane.Tests.Infrastructure;

/// <summary>Polling with a deadline, for state that becomes true asynchronously (never a fixed sleep).</summary>
static class Wait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

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

    /// <summary>Runs <paramref name="trigger"/> and returns the first event it causes (that <paramref name="filter"/> accepts).</summary>
    public static async Task<T> ForEventAsync<T>(Action<EventHandler<T>> subscribe, Action<EventHandler<T>> unsubscribe, Func<Task> trigger, Func<T, bool>? filter = null)
    {
        var raised = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<T> handler = (_, e) =>
        {
            if (filter?.Invoke(e) ?? true) raised.TrySetResult(e);
        };
        subscribe(handler);
        try
        {
            await trigger();
            return await raised.Task.WaitAsync(Timeout);
        }
        finally
        {
            unsubscribe(handler);
        }
    }
}

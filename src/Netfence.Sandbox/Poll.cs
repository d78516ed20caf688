namespace Netfence.Sandbox;

/// <summary>Polling with a deadline, instead of sleeping and hoping.</summary>
public static class Poll
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static bool Until(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var end = DateTime.UtcNow + timeout;
        while (true)
        {
            if (condition()) return true;
            if (DateTime.UtcNow >= end) return false;
            Thread.Sleep(interval ?? TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>Polls until the condition holds, else throws a <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static void Require(Func<bool> condition, TimeSpan timeout, string what)
    {
        if (!Until(condition, timeout)) throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
    }
}

namespace Netfence.KernelTesting;

/// <summary>Polling with a deadline, instead of sleeping and hoping.</summary>
public static class Deadline
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static bool Poll(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var end = DateTime.UtcNow + timeout;
        while (true)
        {
            if (condition()) return true;
            if (DateTime.UtcNow >= end) return false;
            Thread.Sleep(interval ?? TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>Polls until the condition holds, else fails with <paramref name="what"/>.</summary>
    public static void Require(Func<bool> condition, TimeSpan timeout, string what)
    {
        if (!Poll(condition, timeout)) throw new Xunit.Sdk.XunitException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
    }
}

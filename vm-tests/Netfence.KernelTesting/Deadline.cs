using Netfence.Sandbox;

namespace Netfence.KernelTesting;

/// <summary>Polling with a deadline for tests: a timeout fails the test with what it waited for.</summary>
public static class Deadline
{
    /// <summary>Polls until the condition holds, else fails with <paramref name="what"/>; the timeout is sized for this host and scaled by <see cref="Slowness"/>.</summary>
    public static void Require(Func<bool> condition, TimeSpan timeout, string what)
    {
        timeout = Slowness.Scale(timeout);
        if (!Poll.Until(condition, timeout)) throw new Xunit.Sdk.XunitException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
    }
}

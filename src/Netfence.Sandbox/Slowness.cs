namespace Netfence.Sandbox;

/// <summary>
/// How much slower than this host the machine running the tests is. Under qemu's software emulation (the 6.1 kernel
/// run) every process start and packet takes 20–50 times longer, so a wait sized for the host ("a connection that
/// should arrive takes at most 5 s") would fail a correct program. The guest sets <c>NETFENCE_SLOWNESS</c>; waits for
/// something that should happen are multiplied by it, and so are waits that conclude something did not happen, so
/// that a slow "pass" is never mistaken for a drop.
/// </summary>
public static class Slowness
{
    /// <summary>The variable that sets the factor: a number ≥ 1, 1 when unset.</summary>
    public const string Variable = "NETFENCE_SLOWNESS";

    /// <summary>The factor from <see cref="Variable"/>; a malformed value fails loudly rather than being ignored.</summary>
    public static double Factor { get; } = Read(Environment.GetEnvironmentVariable(Variable));

    /// <summary><paramref name="wait"/> scaled by <see cref="Factor"/>.</summary>
    public static TimeSpan Scale(TimeSpan wait) => wait * Factor;

    static double Read(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return 1;
        if (!double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var factor)
            || !(factor >= 1) || double.IsInfinity(factor))
            throw new InvalidOperationException($"{Variable}='{value}' is not a number ≥ 1");
        return factor;
    }
}

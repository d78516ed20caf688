using System.Globalization;

namespace Netfence.Bpf.Compiler.DiffTests.Running;

/// <summary>
/// The run's seed: fixed, so every run generates the same inputs, unless NETFENCE_DIFF_SEED asks for another (to
/// explore, or to reproduce a printed failure). Each program draws from its own generator, derived from the seed and
/// its name, so a program's inputs do not depend on which other programs ran.
/// </summary>
public static class DiffSeed
{
    /// <summary>The environment variable that overrides the seed.</summary>
    public const string Variable = "NETFENCE_DIFF_SEED";

    /// <summary>The seed used when the variable is not set.</summary>
    public const int Default = 20261125;

    /// <summary>This run's seed.</summary>
    public static int Value { get; } = int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : Default;

    /// <summary>The generator of <paramref name="program"/>'s inputs.</summary>
    public static Random For(string program, int seed)
    {
        // FNV-1a: string.GetHashCode is randomised per process, which would make runs irreproducible.
        var hash = 2166136261u;
        foreach (var c in program)
            hash = (hash ^ c) * 16777619u;
        return new Random(seed ^ (int)hash);
    }
}

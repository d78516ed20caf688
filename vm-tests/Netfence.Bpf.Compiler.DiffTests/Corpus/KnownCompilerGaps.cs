namespace Netfence.Bpf.Compiler.DiffTests.Corpus;

/// <summary>
/// Corpus programs the compiler is known to get wrong today, each with its reason and a minimal reproduction. They
/// stay in the corpus and are still run: their test passes only while the gap reproduces, so the compiler's author
/// learns from a failing test when a fix lands and removes the entry. This is the only place a program may be kept
/// out of the required set.
/// </summary>
public static class KnownCompilerGaps
{
    /// <summary>Program name to reason.</summary>
    public static IReadOnlyDictionary<string, string> Entries { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The reason <paramref name="program"/> is a known gap, or null when it must pass.</summary>
    public static string? Reason(string program) => Entries.GetValueOrDefault(program);
}

using Netfence.Bpf.DiffCorpus.Arithmetic;
using Netfence.Bpf.DiffCorpus.Data;

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
    public static IReadOnlyDictionary<string, string> Entries { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [nameof(Division.DivU32)] = GuardedDivisor,
        [nameof(Division.DivU64)] = GuardedDivisor,
        [nameof(Division.DivS32)] = GuardedDivisor,
        [nameof(Division.DivS64)] = GuardedDivisor,
        [nameof(Division.DivSmall)] = GuardedDivisor,
        [nameof(Division.DivNegativeConst)] = NegativeConstantDivisor,
        [nameof(Calls.FiveArguments)] = SharedSpillSlot,
    };

    private const string SharedSpillSlot =
        "miscompiled: two live values share one spill slot. `static long Five(long a, int b, short c, byte d, ulong e) " +
        "=> a * 3 + b - c * d + (long)(e >> 1);` called with packet values stores a to [r10-56], then c (w0 = w7) to " +
        "the same [r10-56] while a is still live, so the kernel computes c * 3 + b - c * d + (e >> 1) " +
        "(input a=0xE7903CA53BF0D2DD b=0x51BA4915 c=-24128 d=111 e=0: kernel 0x351E20C15, .NET 0xB6B0B5F005B59F6C)";

    private const string GuardedDivisor =
        "NF0017 from the compiler on a divisor the analyzer accepts as guarded: " +
        "`uint q = 0; if (d != 0) { q = n / d; }` (DivU32, DivU64), `if (d != 0 && d != -1) { q = n / d; }` " +
        "(DivS32, DivS64) and `if (e > 0) x = c / e;` on sbyte (DivSmall) are reported as " +
        "\"the divisor 't' is not provably non-zero\"";

    private const string NegativeConstantDivisor =
        "NF0017 for some negative constant divisors: `n / int.MinValue` (\"the divisor '-2147483648' is not provably " +
        "non-zero\"), `m / long.MinValue` and `m / -1_000_000_007L` (a long divisor from ldc.i4 + conv.i8), while " +
        "`n / -3` on int compiles";

    /// <summary>The reason <paramref name="program"/> is a known gap, or null when it must pass.</summary>
    public static string? Reason(string program) => Entries.GetValueOrDefault(program);
}

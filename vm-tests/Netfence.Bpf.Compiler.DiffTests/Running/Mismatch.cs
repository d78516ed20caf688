namespace Netfence.Bpf.Compiler.DiffTests.Running;

/// <summary>One case where the kernel and .NET disagreed.</summary>
public sealed record Mismatch(int Case, byte[] Input, Outcome Kernel, Outcome Managed, string? MapDifference)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"case {Case}: input {Convert.ToHexString(Input)}{Environment.NewLine}" +
        $"  kernel: {Kernel}{Environment.NewLine}" +
        $"  .NET:   {Managed}" +
        (MapDifference is null ? "" : $"{Environment.NewLine}  {MapDifference}");
}

/// <summary>The result of running one program on all its inputs on both sides.</summary>
public sealed record ProgramReport(string Program, int Seed, int Cases, int MismatchCount, IReadOnlyList<Mismatch> FirstMismatches, TimeSpan Elapsed)
{
    /// <summary>How many mismatches a report keeps in full.</summary>
    public const int Kept = 5;

    /// <summary>One line: program, cases, seed, mismatches, time.</summary>
    public string Summary => $"{Program}: {Cases} cases, seed {Seed}, {MismatchCount} mismatches, {Elapsed.TotalMilliseconds:0} ms";

    /// <inheritdoc />
    public override string ToString() => Summary + string.Concat(FirstMismatches.Select(m => Environment.NewLine + m));
}

namespace Netfence.Bench.Datapath;

/// <summary>The command line of <c>netfence-bench-datapath</c>.</summary>
internal sealed record BenchOptions
{
    /// <summary>The rule counts the issue asks for; a run with other counts does not update the README.</summary>
    public static readonly IReadOnlyList<int> DefaultRuleCounts = [10, 10_000, 1_000_000];

    public const string Usage =
        "usage: netfence-bench-datapath --csharp-object PATH --reference-object PATH [--out DIR] [--readme README.md]\n" +
        "                               [--rules 10,10000,1000000] [--dev-reference-on-both-sides]\n" +
        "  --csharp-object    the datapath object our compiler built (artifacts/bpf/Netfence.Programs.o)\n" +
        "  --reference-object the same logic compiled by clang -O2 (vm-tests/bench/reference/netfence_datapath.c)\n" +
        "  --out              where datapath.md and datapath.json go (default artifacts/bench)\n" +
        "  --readme           replace the table between the README's bench:datapath markers (valid runs only)\n" +
        "  --rules            rule counts of the TC test runs (other than the default: no README update)\n" +
        "  --dev-reference-on-both-sides\n" +
        "                     developers only: run the harness with the reference object in place of the C# one;\n" +
        "                     the result is NOT A VALID COMPARISON and is never written to the README";

    public string? CSharpObject { get; init; }
    public string? ReferenceObject { get; init; }
    public string OutputDirectory { get; init; } = Path.Combine("artifacts", "bench");
    public string? Readme { get; init; }
    public IReadOnlyList<int> RuleCounts { get; init; } = DefaultRuleCounts;
    public bool DevReferenceOnBothSides { get; init; }

    /// <summary>Parses the arguments; a usage error is an <see cref="ArgumentException"/> naming the argument.</summary>
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--csharp-object" => options with { CSharpObject = Value() },
                "--reference-object" => options with { ReferenceObject = Value() },
                "--out" => options with { OutputDirectory = Value() },
                "--readme" => options with { Readme = Value() },
                "--rules" => options with { RuleCounts = ParseCounts(Value()) },
                "--dev-reference-on-both-sides" => options with { DevReferenceOnBothSides = true },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'"),
            };
        }
        if (options.ReferenceObject is null)
            throw new ArgumentException("--reference-object is required");
        if (options.CSharpObject is null && !options.DevReferenceOnBothSides)
            throw new ArgumentException("--csharp-object is required");
        if (options.CSharpObject is not null && options.DevReferenceOnBothSides)
            throw new ArgumentException("--dev-reference-on-both-sides replaces the C# object: do not pass --csharp-object with it");
        return options;
    }

    public bool UsesDefaultRuleCounts => RuleCounts.SequenceEqual(DefaultRuleCounts);

    private static int[] ParseCounts(string text)
    {
        var counts = text.Split(',').Select(s => int.TryParse(s, out var n) && n > 0 ? n
            : throw new ArgumentException($"--rules: '{s}' is not a positive count")).ToArray();
        return counts.Length > 0 ? counts : throw new ArgumentException("--rules needs at least one count");
    }
}

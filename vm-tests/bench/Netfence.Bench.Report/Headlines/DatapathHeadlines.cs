using Netfence.Bench.Report.Inputs;

namespace Netfence.Bench.Report.Headlines;

/// <summary>
/// The datapath benchmark's headlines (vm-tests/bench/Netfence.Bench.Datapath/Report.cs writes datapath.json): the C#
/// object against clang -O2's, instructions per program, TC ns per packet over every case, and the warm connect
/// overhead against no program. Goals of issue 5: ratios ≤ 1.00, warm connect overhead under 2 %.
/// </summary>
internal static class DatapathHeadlines
{
    public const string Name = "datapath";

    public static IEnumerable<Headline> From(BenchFile file)
    {
        if (!file.Boolean("validComparison"))
            throw new ReportInputException($"{file.Path} is not a valid comparison ({file.Get("invalidity")}): run `./build.sh bench datapath` with the C# object");

        foreach (var program in file.Array("instructions"))
        {
            double csharp = program.Number("cSharp.xlatedInstructions"), clang = program.Number("reference.xlatedInstructions");
            double ratio = program.Number("xlatedRatio");
            yield return new Headline(Name, $"instructions (xlated), {program.String("program")}", Format.Count(csharp),
                $"clang -O2: {Format.Count(clang)}", Format.Ratio(ratio), "≤ 1.00", ratio <= 1.00 + Rounding);
        }

        var runs = file.Array("testRuns");
        var ratios = runs.Select(r => r.Number("ratio")).ToList();
        var csharpNs = runs.Select(r => r.Number("cSharp.median")).ToList();
        var clangNs = runs.Select(r => r.Number("reference.median")).ToList();
        var rules = runs.Select(r => r.Number("rules")).Distinct().Order().ToList();
        yield return new Headline(Name,
            $"TC ingress ns per packet, {runs.Count} cases ({string.Join(" / ", rules.Select(Format.Count))} rules)",
            $"{Format.Count(csharpNs.Min())}–{Format.Count(csharpNs.Max())} ns",
            $"clang -O2: {Format.Count(clangNs.Min())}–{Format.Count(clangNs.Max())} ns",
            Format.RatioRange(ratios.Min(), ratios.Max()), "≤ 1.00 in every case", ratios.Max() <= 1.00 + Rounding);

        var warm = file.Array("connects").Where(c => c.String("path").StartsWith("warm allowed", StringComparison.Ordinal)).ToList();
        if (warm.Count == 0) throw new ReportInputException($"{file.Path}: no 'connects' row whose path starts with 'warm allowed'");
        foreach (var row in warm)
        {
            double csharpPct = row.Number("cSharpOverheadPercent"), clangPct = row.Number("referenceOverheadPercent");
            yield return new Headline(Name, $"connect() overhead vs no program, {row.String("path")}",
                $"{Format.Signed(csharpPct, "0.0")} % ({Format.Us(row.Number("cSharp.median") / 1000)} µs)",
                $"clang -O2: {Format.Signed(clangPct, "0.0")} % ({Format.Us(row.Number("reference.median") / 1000)} µs); no program {Format.Us(row.Number("none.median") / 1000)} µs",
                Format.Ratio(row.Number("cSharpVsReference")), "< +2 % (C#)", csharpPct < 2);
        }
    }

    // A ratio is printed with two decimals; 1.004 reads as 1.00 and is within the goal as printed.
    const double Rounding = 0.005;
}

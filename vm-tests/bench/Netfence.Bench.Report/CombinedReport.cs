using System.Globalization;
using System.Text;
using Netfence.Bench.Report.Headlines;
using Netfence.Bench.Report.Inputs;

namespace Netfence.Bench.Report;

/// <summary>
/// The one table of <c>./build.sh bench</c>: every benchmark's headline figures with what they are compared with,
/// the ratio and the goal, under the machine they came from. Every figure comes from the benchmarks' JSON files of
/// this run; a file older than the run's start is refused, so a benchmark that failed cannot pass off an earlier
/// run's figures as this one's.
/// </summary>
internal sealed record CombinedReport(Machine Machine, IReadOnlyList<BenchFile> Files, IReadOnlyList<Headline> Headlines, bool Quick)
{
    /// <summary>The benchmarks in the order they run and appear.</summary>
    public static readonly IReadOnlyList<string> Benchmarks = [DatapathHeadlines.Name, DnsHeadlines.Name, PolicyHeadlines.Name, ScaleHeadlines.Name];

    public static CombinedReport Build(Machine machine, IReadOnlyList<BenchFile> files, bool quick)
    {
        var byName = files.ToDictionary(f => f.Name);
        foreach (var name in Benchmarks)
        {
            if (!byName.ContainsKey(name)) throw new ReportInputException($"no {name}.json was given: the report needs every benchmark ({string.Join(", ", Benchmarks)})");
        }
        foreach (var file in files)
        {
            // Whole seconds: build.sh records the run's start with `date +%s`.
            if (file.Started < machine.Started.AddSeconds(-1))
                throw new ReportInputException(
                    $"{file.Path} is from {file.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, before this run started ({machine.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC): " +
                    $"the {file.Name} benchmark did not write it in this run");
        }
        var headlines = new List<Headline>();
        headlines.AddRange(DatapathHeadlines.From(byName[DatapathHeadlines.Name]));
        headlines.AddRange(DnsHeadlines.From(byName[DnsHeadlines.Name]));
        headlines.AddRange(PolicyHeadlines.From(byName[PolicyHeadlines.Name]));
        headlines.AddRange(ScaleHeadlines.From(byName[ScaleHeadlines.Name]));
        return new CombinedReport(machine, [.. Benchmarks.Select(n => byName[n])], headlines, quick);
    }

    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        if (Quick)
            md.AppendLine("> **QUICK RUN** (`--quick`: every benchmark with short options): it checks the tooling; its figures are not the benchmarks' and never go to the README.").AppendLine();
        md.AppendLine(inv, $"`./build.sh bench{(Quick ? " all --quick" : "")}` on {Machine.Describe()}.");
        md.AppendLine();
        md.AppendLine("| benchmark | figure | Netfence | compared with | ratio | goal | met? |");
        md.AppendLine("|---|---|---:|---|---:|---|---|");
        foreach (var h in Headlines)
            md.AppendLine($"| {h.Benchmark} | {h.Figure} | {h.Netfence} | {h.ComparedWith} | {h.Ratio} | {h.Goal} | {h.MetText} |");
        md.AppendLine();
        var runs = Files.Select(f =>
        {
            var load = f.LoadAverage is { } l ? $", load {l} at its start" : "";
            return string.Create(inv, $"{f.Name} at {f.Started.UtcDateTime:HH:mm} ({f.Duration.TotalSeconds:0} s{load})");
        });
        md.AppendLine($"Benchmarks, in order: {string.Join("; ", runs)}. Ratios are Netfence / the compared figure; each benchmark's own table below says how it was measured.");
        return md.ToString();
    }
}

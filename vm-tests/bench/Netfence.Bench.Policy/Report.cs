using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Netfence.Bench.Policy;

/// <summary>Change → enforced latencies of one kind, in ms (nearest-rank percentiles).</summary>
internal sealed record Latencies(string Name, IReadOnlyList<double> SamplesMs)
{
    double At(double q) => Netfence.Bench.NearestRank.Of(SamplesMs.Order().ToArray(), q);

    public double P50 => At(0.50);
    public double P99 => At(0.99);
    public double Max => SamplesMs.Max();
}

/// <summary>Everything one run measured, as written to policy.json.</summary>
internal sealed record BenchReport(string Command, DateTimeOffset Started, string Kernel, int Cpus, string LoadAverage, BenchOptions Options,
    Latencies FileEdits, Latencies Commands, Latencies BulkUpdates, IReadOnlyList<BulkBreakdown> BulkBreakdowns, TimeSpan Duration) : Netfence.Bench.IBenchReport
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(Inv,
            $"`{Command}` on {Started:yyyy-MM-dd HH:mm} UTC, Linux {Kernel}, {Cpus} CPUs shared with other work (load average {LoadAverage} at the start); " +
            $"a real netfenced process, one attached cgroup, every change timed from the write (or the control plane's publish) until a connect " +
            $"from the cgroup to 127.0.0.2 switches between EPERM and success; run took {Duration.TotalSeconds:0} s.");
        md.AppendLine();
        md.AppendLine("| change → enforced in the kernel | samples | p50 ms | p99 ms | max ms |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var l in new[] { FileEdits, Commands, BulkUpdates })
            md.AppendLine(Inv, $"| {l.Name} | {l.SamplesMs.Count} | {l.P50:0.0} | {l.P99:0.0} | {l.Max:0.0} |");
        md.AppendLine();
        AppendBreakdown(md);
        var verdict = FileEdits.Max <= 1000 ? "met" : "**not met**";
        md.AppendLine(Inv, $"Requirement (issue 8): an edit of the policy file is enforced within a second: p99 **{FileEdits.P99:0} ms**, max {FileEdits.Max:0} ms — {verdict}");
        return md.ToString();
    }

    // Where a BulkUpdate's time goes: each phase's median over the rounds (nearest rank) and its slowest round. The
    // medians of the phases need not add up to the median of the whole.
    void AppendBreakdown(StringBuilder md)
    {
        if (BulkBreakdowns.Count == 0) return;
        md.AppendLine(Inv, $"Where a BulkUpdate of {Options.BulkCidrs:N0} CIDRs ({BulkBreakdowns[0].MessageBytes / 1e6:0.0} MB on the wire) spends its time, " +
            $"phase by phase in order (SDK side timed in the control plane's process, daemon side from netfenced's Debug `CommandApplied` log line; " +
            $"wall clock of one host; median and slowest of {BulkBreakdowns.Count} rounds, ms):");
        md.AppendLine();
        md.AppendLine("| phase | where | p50 ms | max ms |");
        md.AppendLine("|---|---|---:|---:|");
        foreach (var (name, where, of) in BulkBreakdown.Phases)
        {
            var values = BulkBreakdowns.Select(of).Order().ToArray();
            md.AppendLine(Inv, $"| {name} | {where} | {Netfence.Bench.NearestRank.Of(values, 0.5):0.0} | {values.Max():0.0} |");
        }
        var total = BulkBreakdowns.Select(b => b.EnforcedMs).Order().ToArray();
        md.AppendLine(Inv, $"| **published → enforced, as timed above** | | **{Netfence.Bench.NearestRank.Of(total, 0.5):0.0}** | **{total.Max():0.0}** |");
        md.AppendLine();
    }

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
}

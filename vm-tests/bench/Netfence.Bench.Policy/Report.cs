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
    Latencies FileEdits, Latencies Commands, Latencies BulkUpdates, TimeSpan Duration) : Netfence.Bench.IBenchReport
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
        var verdict = FileEdits.Max <= 1000 ? "met" : "**not met**";
        md.AppendLine(Inv, $"Requirement (issue 8): an edit of the policy file is enforced within a second: p99 **{FileEdits.P99:0} ms**, max {FileEdits.Max:0} ms — {verdict}");
        return md.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
}

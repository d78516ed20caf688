using Netfence.Bench.Report.Inputs;

namespace Netfence.Bench.Report.Headlines;

/// <summary>
/// The policy benchmark's headlines (vm-tests/bench/Netfence.Bench.Policy/Report.cs writes policy.json): a change →
/// enforced in the kernel by a real netfenced, for a policy-file edit (issue 8: every edit within a second), a
/// one-rule command and a BulkUpdate from an external control plane (no goal set; issue 9 asks for the figures).
/// </summary>
internal static class PolicyHeadlines
{
    public const string Name = "policy";

    public static IEnumerable<Headline> From(BenchFile file)
    {
        double editP99 = file.Number("fileEdits.p99"), editMax = file.Number("fileEdits.max");
        yield return new Headline(Name, $"policy-file edit → enforced, p99 ({Samples(file, "fileEdits")} edits)",
            $"{Format.Ms(editP99)} ms (max {Format.Ms(editMax)})", "goal: 1,000 ms", Format.Ratio(editP99 / 1000),
            "every edit ≤ 1 s", editMax <= 1000);

        yield return new Headline(Name, $"control-plane one-rule command → enforced, p50 / p99 ({Samples(file, "commands")} commands)",
            $"{Format.Ms(file.Number("commands.p50"))} / {Format.Ms(file.Number("commands.p99"))} ms", "—", "—", "none set", null);

        yield return new Headline(Name,
            $"BulkUpdate of {Format.Count(file.Number("options.bulkCidrs"))} CIDRs → enforced, p50 / p99 ({Samples(file, "bulkUpdates")} updates)",
            $"{Format.Ms(file.Number("bulkUpdates.p50"))} / {Format.Ms(file.Number("bulkUpdates.p99"))} ms", "—", "—", "none set", null);
    }

    static string Samples(BenchFile file, string kind)
    {
        var samples = file.Get($"{kind}.samplesMs");
        return samples.ValueKind == System.Text.Json.JsonValueKind.Array
            ? Format.Count(samples.GetArrayLength())
            : throw new ReportInputException($"{file.Path}: '{kind}.samplesMs' is not an array");
    }
}

using Netfence.Bench.Report.Inputs;

namespace Netfence.Bench.Report.Headlines;

/// <summary>
/// The scale benchmark's headlines (vm-tests/bench/Netfence.Bench.Scale/ScaleReport.cs writes scale.json): one
/// netfenced with N cgroup attachments, each figure beside the same one with none where there is one. No numeric
/// goals are set for these (issue 6 asks for the figures; issue 8 for the resync).
/// </summary>
internal static class ScaleHeadlines
{
    public const string Name = "scale";

    public static IEnumerable<Headline> From(BenchFile file)
    {
        string n = Format.Count(file.Number("attachments"));
        yield return new Headline(Name, $"attach latency p50 / p99, {n} attachments one after another",
            $"{Format.Ms(file.Number("attachMs.p50"))} / {Format.Ms(file.Number("attachMs.p99"))} ms", "—", "—", "none set", null);

        double emptyMiB = file.Number("rssBytes.empty") / 1024 / 1024;
        yield return new Headline(Name, $"daemon RSS per attachment ({n} attachments)",
            $"{Format.Of("0.0", file.Number("rssBytes.perAttachment") / 1024)} KiB",
            $"no attachments: {Format.Of("0.0", emptyMiB)} MiB in all", "—", "none set", null);

        double restart = file.Number("startSeconds.restartAdoptingAll"), start = file.Number("startSeconds.empty");
        yield return new Headline(Name, $"restart: start to answering and synced, adopting {n} attachments",
            $"{Format.Seconds(restart)} s", $"no attachments: {Format.Seconds(start)} s", Format.Ratio(restart / start), "none set", null);

        double resync = file.Number("resyncSeconds.full"), resyncEmpty = file.Number("resyncSeconds.empty");
        yield return new Headline(Name, $"control-plane resync with {n} attachments",
            $"{Format.Seconds(resync)} s", $"no attachments: {Format.Seconds(resyncEmpty)} s", Format.Ratio(resync / resyncEmpty), "none set", null);
    }
}

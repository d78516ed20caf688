using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Netfence.Bench.Scale;

/// <summary>What one run measured, as the README table and as JSON.</summary>
internal sealed record ScaleReport(
    DateTimeOffset Started,
    TimeSpan Duration,
    string LoadAverage,
    int Attachments,
    TimeSpan StartEmpty,
    TimeSpan RestartFull,
    TimeSpan ResyncEmpty,
    TimeSpan ResyncFull,
    long RssEmpty,
    long RssFull,
    long RssAdopted,
    double[] AttachMs,
    double[] DetachMs,
    TimeSpan DetachAll,
    TimeSpan ListAll) : Netfence.Bench.IBenchReport
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static double Percentile(double[] values, double p) => Netfence.Bench.NearestRank.Of(values.Order().ToArray(), p / 100);

    public double PerAttachmentKiB => (RssFull - RssEmpty) / 1024.0 / Attachments;

    public string ToMarkdown()
    {
        string n = Attachments.ToString("N0", Invariant);
        string Ms(double v) => v.ToString(v < 10 ? "0.0" : "0", Invariant);
        string S(TimeSpan t) => t.TotalSeconds.ToString("0.00", Invariant);
        string MiB(long b) => (b / 1024.0 / 1024.0).ToString("0.0", Invariant);
        var kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var text = new StringBuilder();
        text.Append(Invariant, $"`./build.sh bench scale` on {Started:yyyy-MM-dd HH:mm} UTC, Linux {kernel}, {Environment.ProcessorCount} CPUs shared with other work (load average {LoadAverage} at the start); ");
        text.Append(Invariant, $"one `netfenced start` process with {n} cgroup attachments made one after another through its API, a `netfenced controlplane` process (the default policy) as its control plane; run took {Duration.TotalSeconds:0} s.\n\n");
        text.Append("| figure | no attachments | " + n + " attachments |\n|---|---:|---:|\n");
        text.Append(Invariant, $"| attach latency p50 / p99 / max, ms (API call to reply, rules acked and stored) | | {Ms(Percentile(AttachMs, 50))} / {Ms(Percentile(AttachMs, 99))} / {Ms(AttachMs.Max())} |\n");
        text.Append(Invariant, $"| daemon RSS, MiB (after 2 s idle) | {MiB(RssEmpty)} | {MiB(RssFull)} ({PerAttachmentKiB:0.0} KiB per attachment) |\n");
        text.Append(Invariant, $"| daemon RSS after the restart that adopted them, MiB | | {MiB(RssAdopted)} |\n");
        text.Append(Invariant, $"| start to answering and synced, s (the restart adopts every attachment) | {S(StartEmpty)} | {S(RestartFull)} |\n");
        text.Append(Invariant, $"| control-plane resync, s (control plane back up → SyncRequest with every attachment → SyncAck) | {S(ResyncEmpty)} | {S(ResyncFull)} |\n");
        text.Append(Invariant, $"| List, every page of 100, s | | {S(ListAll)} |\n");
        text.Append(Invariant, $"| detach all, s (one after another; per detach p50 / p99 ms) | | {S(DetachAll)} ({Ms(Percentile(DetachMs, 50))} / {Ms(Percentile(DetachMs, 99))}) |\n");
        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        started = Started,
        durationSeconds = Duration.TotalSeconds,
        loadAverage = LoadAverage,
        attachments = Attachments,
        attachMs = new { p50 = Percentile(AttachMs, 50), p99 = Percentile(AttachMs, 99), max = AttachMs.Max(), all = AttachMs },
        detachMs = new { p50 = Percentile(DetachMs, 50), p99 = Percentile(DetachMs, 99), max = DetachMs.Max() },
        detachAllSeconds = DetachAll.TotalSeconds,
        listAllSeconds = ListAll.TotalSeconds,
        rssBytes = new { empty = RssEmpty, full = RssFull, adopted = RssAdopted, perAttachment = (RssFull - RssEmpty) / (double)Attachments },
        startSeconds = new { empty = StartEmpty.TotalSeconds, restartAdoptingAll = RestartFull.TotalSeconds },
        resyncSeconds = new { empty = ResyncEmpty.TotalSeconds, full = ResyncFull.TotalSeconds },
    }, new JsonSerializerOptions { WriteIndented = true });
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Netfence.Bench.Dns;

/// <summary>Latency order statistics in µs (nearest-rank percentiles).</summary>
internal sealed record Latency(double Mean, double P50, double P99, int Count)
{
    public static Latency Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("no answered queries were timed", nameof(samples));
        var sorted = samples.Order().ToArray();
        double At(double q) => Netfence.Bench.NearestRank.Of(sorted, q);
        return new Latency(sorted.Average(), At(0.50), At(0.99), sorted.Length);
    }
}

/// <summary>One configuration over every round.</summary>
internal sealed record ConfigurationResult(string Name, IReadOnlyList<double> QpsPerRound, double MedianQps, long Sent, long Lost,
    double LoadedMeanLatencyUs, double HopCpuUsPerQuery, double UpstreamCpuUsPerQuery, double MachineCpuUsPerQuery, double MachineBusyShare, Latency Unloaded, double UnloadedSleepsPerAnswer, string ResponseCodes);

/// <summary>Everything one run measured, as written to dns.json.</summary>
/// <param name="Configurations">Direct, cache off and cache on, the servers as shipped (what the goals are judged on).</param>
/// <param name="Floor">The C relay with the event loops' design that copies datagrams and does nothing else: what it keeps
/// of the direct QPS is what a forwarder so built can keep on the machine.</param>
/// <param name="References">dnsmasq forwarding to the same upstream, as shipped and with one query port: a C forwarder that
/// filters and learns nothing.</param>
/// <param name="WithoutBusyPolling">Cache off and cache on again, with busy polling off.</param>
/// <param name="BusyPoll">The shipped busy-polling budget.</param>
/// <param name="IdleCpu">CPU the process used, every server open and idle, over <see cref="BenchOptions.IdleRun"/>.</param>
internal sealed record BenchReport(string Command, DateTimeOffset Started, string Kernel, int Cpus, string LoadAverage, BenchOptions Options,
    IReadOnlyList<ConfigurationResult> Configurations, ConfigurationResult Floor, IReadOnlyList<ConfigurationResult> References, IReadOnlyList<ConfigurationResult> WithoutBusyPolling, TimeSpan BusyPoll, TimeSpan IdleCpu,
    long AllowlistWrites, long ServerInternalErrors, TimeSpan Duration) : Netfence.Bench.IBenchReport
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    ConfigurationResult Direct => Configurations[0];
    ConfigurationResult Forwarding => Configurations[1];
    ConfigurationResult Cached => Configurations[2];

    public double ForwardingP50OverheadUs => Forwarding.Unloaded.P50 - Direct.Unloaded.P50;
    public double ForwardingQpsRatio => Forwarding.MedianQps / Direct.MedianQps;
    /// <summary>The faster of the reference forwarders: what the comparison is made against.</summary>
    ConfigurationResult BestReference => References.MaxBy(r => r.MedianQps)!;
    public double ReferenceQpsRatio => BestReference.MedianQps / Direct.MedianQps;
    public double ForwardingVsReferenceQps => Forwarding.MedianQps / BestReference.MedianQps;
    public double FloorQpsRatio => Floor.MedianQps / Direct.MedianQps;
    public double ForwardingVsFloorQps => Forwarding.MedianQps / Floor.MedianQps;
    public double CachedP50Ratio => Cached.Unloaded.P50 / Direct.Unloaded.P50;
    public double CachedQpsRatio => Cached.MedianQps / Direct.MedianQps;

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(Inv,
            $"`{Command}` on {Started:yyyy-MM-dd HH:mm} UTC, Linux {Kernel}, {Cpus} CPUs shared with other work (load average {LoadAverage} at the start; " +
            $"compare ratios, not absolute numbers); {Options.Rounds} rounds, each running every configuration in rotated order for " +
            $"{Options.ThroughputRun.TotalSeconds:0.#} s of throughput (dnsperf, 1 client, {Options.Outstanding} queries outstanding) and " +
            $"{Options.LatencyRun.TotalSeconds:0.#} s of latency (our client, 1 query outstanding, every answer timed); " +
            $"{Options.Names:N0} allowed names, A queries; run took {Duration.TotalSeconds:0} s.");
        md.AppendLine();
        md.AppendLine("| configuration | QPS (median of rounds) | vs direct | lost | loaded mean µs | CPU µs/query: hop | upstream dnsmasq | machine (busy) | unloaded mean µs | p50 µs | p99 µs | p50 vs direct | sleeps per answer |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in Configurations.Append(Floor).Concat(References).Concat(WithoutBusyPolling))
        {
            md.AppendLine(Inv,
                $"| {c.Name} | {c.MedianQps:N0} | {c.MedianQps / Direct.MedianQps:0.00} | {c.Lost:N0} of {c.Sent:N0} | {c.LoadedMeanLatencyUs:0} | " +
                $"{(c == Direct ? "—" : c.HopCpuUsPerQuery.ToString("0.0", Inv))} | {c.UpstreamCpuUsPerQuery:0.0} | {c.MachineCpuUsPerQuery:0.0} ({c.MachineBusyShare * 100:0} %) | " +
                $"{c.Unloaded.Mean:0} | {c.Unloaded.P50:0} | {c.Unloaded.P99:0} | {Signed(c.Unloaded.P50 - Direct.Unloaded.P50)} µs | {c.UnloadedSleepsPerAnswer:0.00} |");
        }
        md.AppendLine();
        md.AppendLine("Sleeps per answer: voluntary context switches of the benchmark's process (its latency client, which blocks once per " +
            "query, and the servers' event loops) during the latency runs, per answer; each sleep costs a wake-up.");
        md.AppendLine();
        md.AppendLine(Inv, $"The floor is our event loops' design with nothing inside: a relay in C (`vm-tests/bench/reference/udp_relay.c`) that " +
            $"copies each datagram to the other side unchanged, in batches both ways (`recvmmsg`, `sendmmsg`), through a connected upstream socket, " +
            $"polling as the attachments do, and parses, decides and learns nothing. It keeps **{FloorQpsRatio:0.00}×** of the direct QPS at " +
            $"{Floor.HopCpuUsPerQuery:0.0} µs of CPU per query; forwarding through the attachment keeps **{ForwardingVsFloorQps:0.00}×** the floor's QPS " +
            $"at {Forwarding.HopCpuUsPerQuery / Floor.HopCpuUsPerQuery:0.00}× its CPU per query.");
        md.AppendLine();
        md.AppendLine(Inv, $"CPU per query of the hop: the process between dnsperf and the upstream (this benchmark's, which holds the attachments' " +
            $"servers, the floor relay or the reference dnsmasq forwarder) over the throughput runs, per answer. The reference forwarders are dnsmasq with its cache off, " +
            $"filtering and learning nothing: as shipped (a fresh random source port per query) and with one query port (`--query-port`, as our " +
            $"event loops' upstream sockets). The faster of them ({BestReference.Name["reference: ".Length..]}) keeps **{ReferenceQpsRatio:0.00}×** of the direct QPS; " +
            $"forwarding through the attachment keeps **{ForwardingVsReferenceQps:0.00}×** its QPS at " +
            $"{Forwarding.HopCpuUsPerQuery / BestReference.HopCpuUsPerQuery:0.00}× its CPU per query.");
        md.AppendLine();
        md.AppendLine(Inv, $"Machine (busy): CPU time of every core but idle and iowait (dnsperf, dnsmasq, the hop and the kernel's loopback " +
            $"deliveries) per answer over the throughput runs, and the share of the cores that was busy. Against direct, forwarding through the " +
            $"attachment adds {Forwarding.MachineCpuUsPerQuery - Direct.MachineCpuUsPerQuery:0.0} µs per answer and the floor relay " +
            $"{Floor.MachineCpuUsPerQuery - Direct.MachineCpuUsPerQuery:0.0} µs: the difference is what the attachment does beyond moving the datagrams.");
        md.AppendLine();
        md.AppendLine(Inv, $"The attachments poll their sockets for {BusyPoll.TotalMicroseconds:0} µs after handling datagrams (`dns.busy_poll`{(BusyPoll == Netfence.Daemon.Configuration.DnsSettings.DefaultBusyPoll ? ", the default" : $", not the default {Netfence.Daemon.Configuration.DnsSettings.DefaultBusyPoll.TotalMicroseconds:0} µs")}); " +
            $"the last two rows are the same servers with busy polling off. Idle, every server open: {IdleCpu.TotalMilliseconds:0} ms of CPU in " +
            $"{Options.IdleRun.TotalSeconds:0} s.");
        md.AppendLine();
        md.AppendLine("Goals (issue 7):");
        md.AppendLine();
        md.AppendLine(Inv, $"- forwarding adds at most 20 µs at p50: **{Signed(ForwardingP50OverheadUs)} µs** — {Verdict(ForwardingP50OverheadUs <= 20)}");
        string floorNote = ForwardingQpsRatio < 0.8 ? string.Create(Inv, $" (the floor relay, which only copies datagrams, keeps {FloorQpsRatio * 100:0} %)") : "";
        md.AppendLine(Inv, $"- forwarding keeps at least 80 % of the upstream's direct QPS: **{ForwardingQpsRatio * 100:0} %** — {Verdict(ForwardingQpsRatio >= 0.8)}{floorNote}");
        md.AppendLine(Inv, $"- with the cache, hot names are served faster than the upstream itself: p50 **{CachedP50Ratio:0.00}×** the direct p50, " +
            $"QPS **{CachedQpsRatio:0.00}×** — {Verdict(CachedP50Ratio < 1 && CachedQpsRatio > 1)}");
        md.AppendLine();
        md.AppendLine(Inv, $"Allowlist writes (a counting double; an answer writes only if it extends an expiry by more than the refresh slack, half the TTL grace): {AllowlistWrites:N0}; internal errors: {ServerInternalErrors}.");
        return md.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });

    static string Signed(double value) => value.ToString("+0;-0;0", Inv);

    static string Verdict(bool met) => met ? "met" : "**not met**";
}

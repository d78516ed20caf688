using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Netfence.Bench.Dns;
using Netfence.Dns.Serving;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;

// netfence-bench-dns: see BenchOptions.Usage; `./build.sh bench dns` passes the paths.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"netfence-bench-dns: {e.Message}\n{BenchOptions.Usage}");
    return 2;
}

using var cancel = new CancellationTokenSource();
// Ctrl-C and SIGTERM stop the runs, so dnsmasq and the servers are still stopped below.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    var report = await RunAsync(options, cancel.Token);
    Netfence.Bench.BenchReportWriter.Publish(report, "dns", "DNS benchmark", options.OutputDirectory, options.Readme);
    return 0;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("netfence-bench-dns: interrupted; dnsmasq and the servers were stopped");
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"netfence-bench-dns failed: {e}");
    return 1;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}

static async Task<BenchReport> RunAsync(BenchOptions options, CancellationToken cancellationToken)
{
    var started = DateTimeOffset.UtcNow;
    var clock = Stopwatch.StartNew();
    var loadAverage = File.ReadAllText("/proc/loadavg").Split(' ')[0];
    var scratch = Directory.CreateTempSubdirectory("nft-bench-dns-");
    try
    {
        var queryFile = Path.Combine(scratch.FullName, "queries.txt");
        var names = Enumerable.Range(0, options.Names).Select(i => $"n{i}.{Upstream.Zone}").ToList();
        File.WriteAllLines(queryFile, names.Select(n => $"{n} A"));

        using var upstream = Upstream.Answering();
        // The reference hops: dnsmasq as a plain forwarder to the same upstream (it filters nothing), as shipped and with
        // one query port as ours.
        using var reference = Upstream.ForwardingTo(upstream.Endpoint, onePort: false);
        using var referenceOnePort = Upstream.ForwardingTo(upstream.Endpoint, onePort: true);
        var writer = new CountingAllowlistWriter();
        // The per-attachment rate limit (1,000 queries/s by default) is lifted: it would be what is measured. The
        // in-flight bound stays as shipped (64), above dnsperf's window.
        var serverOptions = new DnsServerOptions { QueriesPerSecond = int.MaxValue, DefaultUpstreams = [upstream.Endpoint], BusyPoll = options.BusyPoll };
        var logger = new StderrLogger();
        // The shipped busy polling (DnsServerOptions.BusyPoll) and, beside it, none: it trades CPU for wake-ups.
        var noPolling = serverOptions with { BusyPoll = TimeSpan.Zero };
        // The floor hop: a C relay with the event loops' design (batches both ways, the same busy polling) that copies
        // datagrams and does nothing else. What it keeps of the direct QPS is what a forwarder so built can keep here.
        using var relay = Upstream.Relaying(options.Relay, upstream.Endpoint, serverOptions.BusyPoll);
        await using var forwarding = new DnsServer(serverOptions with { CacheEntriesPerAttachment = 0 }, writer, logger: logger);
        await using var caching = new DnsServer(serverOptions, writer, logger: logger);
        await using var forwardingNoPolling = new DnsServer(noPolling with { CacheEntriesPerAttachment = 0 }, writer, logger: logger);
        await using var cachingNoPolling = new DnsServer(noPolling, writer, logger: logger);
        var policy = new DnsPolicy(DnsMode.Allowlist, [DomainRule.Parse(Upstream.Zone, true, "bench")], [], ImmutableArray<IPEndPoint>.Empty);
        var attachments = new List<DnsAttachment>();
        foreach (var server in new[] { forwarding, caching, forwardingNoPolling, cachingNoPolling })
        {
            var attachment = await server.OpenAsync($"bench-{attachments.Count}", new IPEndPoint(IPAddress.Loopback, 0));
            var configured = await attachment.ConfigureAsync(policy, cancellationToken: cancellationToken);
            if (!configured.Succeeded) throw new InvalidOperationException($"configuring {attachment.Id} failed: {configured.Failure}");
            attachments.Add(attachment);
        }

        // Hop: the process between dnsmasq and dnsperf whose CPU the "hop" column counts (none when asked directly).
        int self = Environment.ProcessId;
        (string Name, IPEndPoint Endpoint, int? Hop)[] configurations =
        [
            ("dnsmasq direct", upstream.Endpoint, null),
            ("through the attachment, cache off", attachments[0].Endpoint!, self),
            ("through the attachment, cache on", attachments[1].Endpoint!, self),
            ("floor: a C relay that only copies datagrams", relay.Endpoint, relay.ProcessId),
            ("reference: dnsmasq forwarding, as shipped", reference.Endpoint, reference.ProcessId),
            ("reference: dnsmasq forwarding, one query port", referenceOnePort.Endpoint, referenceOnePort.ProcessId),
            ("cache off, busy polling off", attachments[2].Endpoint!, self),
            ("cache on, busy polling off", attachments[3].Endpoint!, self),
        ];
        Console.WriteLine($"upstream dnsmasq {upstream.Endpoint} (pid {upstream.ProcessId}); floor relay {relay.Endpoint} (pid {relay.ProcessId}); reference forwarders dnsmasq {reference.Endpoint} (pid {reference.ProcessId}), {referenceOnePort.Endpoint} (pid {referenceOnePort.ProcessId}, one query port); attachments {attachments[0].Endpoint} (cache off), {attachments[1].Endpoint} (cache on), " +
            $"{attachments[2].Endpoint} (cache off, busy polling off), {attachments[3].Endpoint} (cache on, busy polling off); busy polling {serverOptions.BusyPoll.TotalMicroseconds:0} µs");

        // Warm-up, not recorded: JIT, the cache filled with every name, sockets and buffers at size.
        foreach (var (name, endpoint, _) in configurations)
        {
            var warm = Dnsperf.Run(endpoint, queryFile, TimeSpan.FromSeconds(2), options.Outstanding, cancellationToken);
            if (!warm.AllNoError) throw new InvalidOperationException($"{name}: the warm-up got {warm.ResponseCodes}, not only NOERROR");
        }

        var throughput = configurations.Select(_ => new List<DnsperfRun>()).ToArray();
        var cpu = configurations.Select(_ => (Server: TimeSpan.Zero, Upstream: TimeSpan.Zero, MachineBusy: TimeSpan.Zero, MachineTotal: TimeSpan.Zero, Queries: 0L)).ToArray();
        var latency = configurations.Select(_ => new List<double>()).ToArray();
        var sleeps = new long[configurations.Length];
        for (int round = 0; round < options.Rounds; round++)
        {
            // Rotated order, so no configuration always runs first (or right after the same neighbour).
            var order = Enumerable.Range(0, configurations.Length).Select(i => (i + round) % configurations.Length).ToArray();
            foreach (int i in order)
            {
                var hop = configurations[i].Hop;
                TimeSpan HopCpu() => hop is { } pid ? CpuTime.Of(pid) : TimeSpan.Zero;
                var (serverBefore, upstreamBefore, machineBefore) = (HopCpu(), CpuTime.Of(upstream.ProcessId), CpuTime.Machine());
                var run = Dnsperf.Run(configurations[i].Endpoint, queryFile, options.ThroughputRun, options.Outstanding, cancellationToken);
                var (serverCpu, upstreamCpu, machineAfter) = (HopCpu() - serverBefore, CpuTime.Of(upstream.ProcessId) - upstreamBefore, CpuTime.Machine());
                cpu[i] = (cpu[i].Server + serverCpu, cpu[i].Upstream + upstreamCpu, cpu[i].MachineBusy + machineAfter.Busy - machineBefore.Busy,
                    cpu[i].MachineTotal + machineAfter.Total - machineBefore.Total, cpu[i].Queries + run.Completed);
                throughput[i].Add(run);
                Console.WriteLine($"round {round + 1}/{options.Rounds} {configurations[i].Name,-36} {run.Qps,10:N0} q/s  lost {run.Lost}  mean {run.MeanLatencyUs:0} µs  " +
                    $"CPU/query: hop {serverCpu.TotalMicroseconds / run.Completed:0.0} µs, dnsmasq {upstreamCpu.TotalMicroseconds / run.Completed:0.0} µs  {run.ResponseCodes}");
            }
            foreach (int i in order)
            {
                long sleepsBefore = CpuTime.Sleeps(Environment.ProcessId);
                var samples = LatencyProbe.Run(configurations[i].Endpoint, names, options.LatencyRun, cancellationToken);
                sleeps[i] += CpuTime.Sleeps(Environment.ProcessId) - sleepsBefore;
                latency[i].AddRange(samples);
                var summary = Latency.Of(samples);
                Console.WriteLine($"round {round + 1}/{options.Rounds} {configurations[i].Name,-36} 1 outstanding: p50 {summary.P50:0} µs  p99 {summary.P99:0} µs  ({summary.Count:N0} answers)");
            }
        }

        var results = configurations.Select((c, i) =>
        {
            var qps = throughput[i].Select(r => r.Qps).ToList();
            var sorted = qps.Order().ToArray();
            double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
            var codes = throughput[i].Select(r => r.ResponseCodes).Distinct();
            return new ConfigurationResult(c.Name, qps, median, throughput[i].Sum(r => r.Sent), throughput[i].Sum(r => r.Lost),
                throughput[i].Average(r => r.MeanLatencyUs), cpu[i].Server.TotalMicroseconds / cpu[i].Queries, cpu[i].Upstream.TotalMicroseconds / cpu[i].Queries,
                cpu[i].MachineBusy.TotalMicroseconds / cpu[i].Queries, cpu[i].MachineBusy / cpu[i].MachineTotal,
                Latency.Of(latency[i]), (double)sleeps[i] / latency[i].Count, string.Join("; ", codes));
        }).ToList();
        // What the servers cost with nothing to do (busy polling must not spin without recent work).
        var idleBefore = CpuTime.Of(Environment.ProcessId);
        await Task.Delay(options.IdleRun, cancellationToken);
        var idleCpu = CpuTime.Of(Environment.ProcessId) - idleBefore;
        Console.WriteLine($"idle for {options.IdleRun.TotalSeconds:0.#} s: {idleCpu.TotalMilliseconds:0} ms of CPU");
        foreach (var result in results)
        {
            if (result.ResponseCodes.Split("; ").Any(c => !c.StartsWith("NOERROR", StringComparison.Ordinal) || c.Contains(',', StringComparison.Ordinal)))
                throw new InvalidOperationException($"{result.Name}: answers other than NOERROR ({result.ResponseCodes}): the comparison would not be of equal work");
        }
        return new BenchReport("./build.sh bench dns", started, File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), Environment.ProcessorCount, loadAverage, options,
            results[..3], results[3], results[4..6], results[6..], serverOptions.BusyPoll, idleCpu, writer.Writes, attachments.Sum(a => a.Counters.InternalErrors), clock.Elapsed);
    }
    finally
    {
        scratch.Delete(recursive: true);
    }
}

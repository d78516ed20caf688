using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Netfence.Bench.Policy;
using Netfence.ControlPlane.Policies;
using Netfence.Daemon.KernelTests.Processes;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Sandbox;
using Proto = Netfence.Protocol.V1;

// netfence-bench-policy: see BenchOptions.Usage; `./build.sh bench policy` passes the paths.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"netfence-bench-policy: {e.Message}\n{BenchOptions.Usage}");
    return 2;
}
if (Environment.UserName != "root")
{
    Console.Error.WriteLine("netfence-bench-policy: run it as root (it attaches eBPF filters to a cgroup)");
    return 2;
}

try
{
    var report = await RunAsync(options);
    Netfence.Bench.BenchReportWriter.Publish(report, "policy", "Policy change → enforcement benchmark", options.OutputDirectory, options.Readme);
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"netfence-bench-policy failed: {e}");
    return 1;
}

static async Task<BenchReport> RunAsync(BenchOptions options)
{
    var started = DateTimeOffset.UtcNow;
    var clock = Stopwatch.StartNew();
    var loadAverage = File.ReadAllText("/proc/loadavg").Split(' ')[0];
    await using var listener = new AcceptingListener();
    using var cgroup = new SandboxCgroup();
    using var probe = new CgroupProbe(cgroup.Path);

    // Times one change: from `change` until a connect to 127.0.0.2 from the cgroup gives `expected`.
    double Timed(Action change, bool allowed, string what)
    {
        var expected = allowed ? "connected" : "denied";
        var timer = Stopwatch.StartNew();
        change();
        if (!probe.Becomes("127.0.0.2", listener.Port, expected, TimeSpan.FromSeconds(60)))
            throw new TimeoutException($"{what}: 127.0.0.2 was not {expected} 60 s after the change");
        return timer.Elapsed.TotalMilliseconds;
    }

    // 1. The built-in control plane in netfenced, its policy file rewritten: in place, or as editors do (rename over).
    var fileEdits = new List<double>();
    {
        var root = NetfencedProcess.NewScratchDirectory();
        var policy = Path.Combine(root, "policy.yaml");
        File.WriteAllText(policy, PolicyYaml(false));
        await using var daemon = await NetfencedProcess.StartAsync(root, controlPlaneAddress: null, policyFile: policy);
        var attached = await daemon.Client.AttachAsync(new Proto.AttachRequest { CgroupPath = cgroup.Path });
        Console.Error.WriteLine($"policy file: {options.Edits} edits");
        for (int i = 0; i < options.Edits; i++)
        {
            bool allow = i % 2 == 0;
            fileEdits.Add(Timed(() =>
            {
                if (i % 4 < 2)
                {
                    File.WriteAllText(policy, PolicyYaml(allow));
                }
                else
                {
                    File.WriteAllText(policy + ".tmp", PolicyYaml(allow));
                    File.Move(policy + ".tmp", policy, overwrite: true);
                }
            }, allow, $"policy file edit {i + 1}"));
        }
        await daemon.Client.DetachAsync(new Proto.DetachRequest { Id = attached.Id });
    }

    // 2 and 3. An external control plane on the SDK: single-rule changes, then BulkUpdates of --bulk-cidrs CIDRs.
    var commands = new List<double>();
    var bulkUpdates = new List<double>();
    var bulkBreakdowns = new List<BulkBreakdown>();
    {
        var root = NetfencedProcess.NewScratchDirectory();
        await using var controlPlane = new SdkControlPlane(Path.Combine(root, "cp.sock"), Allow(false));
        await controlPlane.StartAsync();
        // JSON logs at Debug: the daemon's CommandApplied line says where each BulkUpdate's time went inside it.
        await using var daemon = await NetfencedProcess.StartAsync(root, controlPlane.Address, extraSections: "log:\n  format: json\n  level: debug");
        await daemon.WaitForControlPlaneAsync(Proto.ConnectionState.Connected, TimeSpan.FromSeconds(30));
        await daemon.Client.AttachAsync(new Proto.AttachRequest { CgroupPath = cgroup.Path });
        Console.Error.WriteLine($"SDK control plane: {options.Commands} commands");
        bool allowed = false;
        for (int i = 0; i < options.Commands; i++)
        {
            allowed = !allowed;
            var next = Allow(allowed);
            commands.Add(Timed(() => controlPlane.Set(next), allowed, $"command {i + 1}"));
        }
        Console.Error.WriteLine($"SDK control plane: {options.BulkRounds} BulkUpdates of {options.BulkCidrs:N0} CIDRs");
        for (int round = 0; round < options.BulkRounds; round++)
        {
            allowed = !allowed;
            // Prepared before the clock starts: the benchmark times the control plane and the daemon, not this loop.
            var next = Bulk(options.BulkCidrs, round, allowed);
            var published = DateTimeOffset.UtcNow;
            bulkUpdates.Add(Timed(() => controlPlane.Set(next), allowed, $"BulkUpdate {round + 1}"));
            var enforced = DateTimeOffset.UtcNow;
            // The daemon logs the command once all of it is done (store included), after the probe saw it enforced;
            // the next round starts only then, so that it does not queue behind this one's store write.
            var applied = await AppliedBulkUpdateAsync(daemon, published, $"BulkUpdate {round + 1}");
            var write = controlPlane.WriteTimer.BulkWritesSince(published) is [var first, ..] ? first
                : throw new InvalidOperationException($"BulkUpdate {round + 1}: the control plane wrote no bulk_update to the stream, yet the change was enforced");
            bulkBreakdowns.Add(BulkBreakdown.Of(published, enforced, write, applied));
        }
    }

    return new BenchReport("./build.sh bench policy", started, File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), Environment.ProcessorCount, loadAverage, options,
        new Latencies("policy file edit, built-in control plane in netfenced", fileEdits),
        new Latencies("one-rule command (allow_cidr / remove_cidr), external control plane on the SDK", commands),
        new Latencies($"BulkUpdate of {options.BulkCidrs:N0} CIDRs, external control plane on the SDK", bulkUpdates),
        bulkBreakdowns, clock.Elapsed);
}

// netfenced's CommandApplied line for the bulk_update that began applying after `published` (polled: it is logged
// once the store write is done, after the change was already enforced).
static async Task<AppliedCommandLog> AppliedBulkUpdateAsync(NetfencedProcess daemon, DateTimeOffset published, string what)
{
    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
    while (true)
    {
        var applied = daemon.Output.Select(AppliedCommandLog.TryParse).FirstOrDefault(a => a is { Command: "bulk_update" } && a.Began >= published);
        if (applied is not null) return applied;
        if (DateTime.UtcNow > deadline)
            throw new TimeoutException($"{what}: netfenced logged no CommandApplied line for a bulk_update within 60 s; its last lines:\n{string.Join('\n', daemon.Output.TakeLast(20))}");
        await Task.Delay(20);
    }
}

static string PolicyYaml(bool allowSecond) => allowSecond ? CidrAllowlistPolicy.Yaml("127.0.0.1/32", "127.0.0.2/32") : CidrAllowlistPolicy.Yaml("127.0.0.1/32");

static DesiredState Allow(bool allowSecond) => new(PolicyMode.Allowlist,
    allowSecond ? [CidrGrant.Parse("127.0.0.1/32"), CidrGrant.Parse("127.0.0.2/32")] : [CidrGrant.Parse("127.0.0.1/32")],
    [], new DnsPolicy(DnsMode.Allowlist, [], [], []));

// count CIDRs: 127.0.0.1, 127.0.0.2 when allowed, and /32s from 10.0.0.0/9 or 10.128.0.0/9 by round, so that every round
// differs from the last in almost every rule and the SDK sends a BulkUpdate.
static DesiredState Bulk(int count, int round, bool allowSecond)
{
    var grants = new List<CidrGrant> { CidrGrant.Parse("127.0.0.1/32") };
    if (allowSecond) grants.Add(CidrGrant.Parse("127.0.0.2/32"));
    uint first = round % 2 == 0 ? 0x0A000000u : 0x0A800000u;
    for (uint i = 0; grants.Count < count; i++)
        grants.Add(new CidrGrant(new IPNetwork(new IPAddress(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(first + i))), 32)));
    return new DesiredState(PolicyMode.Allowlist, grants, [], new DnsPolicy(DnsMode.Allowlist, [], [], []));
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using Netfence.Bench.Datapath;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Pinning;
using Netfence.Datapath;
using Netfence.Sandbox;
using Spectre.Console;

// netfence-bench-datapath: see BenchOptions.Usage; `./build.sh bench datapath` passes the paths.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"netfence-bench-datapath: {e.Message}\n{BenchOptions.Usage}");
    return 2;
}

// Piped output (build.sh, CI logs) would otherwise be cut at 80 columns, wrapping every table cell.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200;

using var cancel = new CancellationTokenSource();
// Ctrl-C and SIGTERM stop the measurement loops, so the cleanup below still removes cgroups, pins and attachments.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    if (!Environment.IsPrivilegedProcess)
        throw new BenchSetupException("the benchmark loads eBPF programs, makes cgroups and moves itself between them: run it as root");
    var objects = ComparedObjects.Resolve(options);
    if (!objects.Valid) Banner();
    var report = Run(options, objects, cancel.Token);

    Directory.CreateDirectory(options.OutputDirectory);
    // An invalid run never takes the name of the real table, so it cannot be mistaken for one.
    var stem = Path.Combine(options.OutputDirectory, objects.Valid ? "datapath" : "datapath.NOT-VALID");
    var markdown = report.ToMarkdown();
    File.WriteAllText(stem + ".md", $"# Datapath benchmark\n\n{markdown}");
    File.WriteAllText(stem + ".json", report.ToJson());

    AnsiConsole.WriteLine();
    foreach (var table in report.Tables()) AnsiConsole.Write(table.ToConsole());
    AnsiConsole.MarkupLine($"\nwritten: {Markup.Escape(stem)}.md, {Markup.Escape(stem)}.json ({report.Duration.TotalSeconds:0} s)");

    if (options.Readme is { } readme)
    {
        if (!objects.Valid) AnsiConsole.MarkupLine($"[bold red]refusing to write the README table:[/] not a valid comparison");
        else if (!options.UsesDefaultRuleCounts) AnsiConsole.MarkupLine("[yellow]README not updated:[/] --rules differs from the issue's 10, 10,000 and 1,000,000");
        else
        {
            Netfence.Bench.ReadmeTable.Replace(readme, "datapath", markdown);
            AnsiConsole.MarkupLine($"updated the table in {Markup.Escape(readme)}");
        }
    }
    if (!objects.Valid) Banner();
    return 0;
}
catch (BenchSetupException e)
{
    Console.Error.WriteLine($"netfence-bench-datapath: {e.Message}");
    return 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("netfence-bench-datapath: interrupted; everything it made was removed");
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"netfence-bench-datapath failed: {e}");
    return 1;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}

static void Banner()
{
    var rule = new string('!', 78);
    AnsiConsole.MarkupLine($"[bold red]{rule}[/]");
    AnsiConsole.MarkupLine($"[bold red]!!  {Markup.Escape(ComparedObjects.InvalidBanner)}[/]");
    AnsiConsole.MarkupLine($"[bold red]{rule}[/]");
}

// Removing the attachments that hold `count` rules (RuleSetWriter.Remove: a grace period, then the deletes) with
// BPF_MAP_DELETE_BATCH, then the same rules written again and removed with one BPF_MAP_DELETE_ELEM per key.
static RemovalTiming MeasureRemoval(SharedMaps maps, RuleSetWriter writer, AttachmentTarget tested, int count, RuleFill fill, Action<string> step)
{
    var batched = Stopwatch.StartNew();
    fill.Remove();
    batched.Stop();
    step($"  removed in {batched.Elapsed.TotalSeconds:0.0} s in batches; again one delete per key");
    var again = RuleFill.Write(writer, tested, count, seed: count, new AttachmentSettings());
    maps.Rules4.Raw.BatchMode = BatchMode.PerElement;
    try
    {
        var single = Stopwatch.StartNew();
        again.Remove();
        single.Stop();
        step($"  removed in {single.Elapsed.TotalSeconds:0.0} s one key at a time");
        return new RemovalTiming(count, batched.Elapsed, single.Elapsed);
    }
    finally
    {
        maps.Rules4.Raw.BatchMode = BatchMode.Auto;
    }
}

static BenchReport Run(BenchOptions options, ComparedObjects objects, CancellationToken cancel)
{
    var started = DateTimeOffset.UtcNow;
    var clock = Stopwatch.StartNew();
    void Step(string text) => AnsiConsole.MarkupLine($"[grey]{clock.Elapsed:mm\\:ss}[/] {Markup.Escape(text)}");

    var pins = PinDirectory.Create(Path.Combine(BpfFs.EnsureMounted(), UniqueName.Next()));
    try
    {
        using var maps = SharedMaps.OpenOrCreate(pins);
        var writer = new RuleSetWriter(maps);
        Step($"loading {objects.CSharp.Label} {objects.CSharp.Path}");
        using var csharp = DatapathPrograms.Load(objects.CSharp.Path, maps);
        Step($"loading {objects.Reference.Label} {objects.Reference.Path}");
        using var reference = DatapathPrograms.Load(objects.Reference.Path, maps);
        var instructions = InstructionCounts.Measure(csharp, reference);

        // connect() first, while the trie holds only the two filtered cgroups' rules.
        var connectBench = new ConnectBench(csharp, reference, writer);
        Step($"connect(): {connectBench.Rounds} rounds × 4 cgroups × {connectBench.PerRound} calls per path");
        var (connects, connectCosts) = connectBench.Run(cancel);

        var testRun = new TestRunBench(csharp, reference, ifindex: LoopbackIfindex());
        var tested = AttachmentTarget.Interface(LoopbackIfindex());
        var testRuns = new List<TestRunRow>();
        var fills = new List<FillTiming>();
        RemovalTiming? removal = null;
        for (int i = 0; i < options.RuleCounts.Count; i++)
        {
            int count = options.RuleCounts[i];
            Step($"filling {count:N0} rules");
            var fill = RuleFill.Write(writer, tested, count, seed: count, new AttachmentSettings());
            fills.Add(new FillTiming(count, fill.FillTime));
            Step($"  written in {fill.FillTime.TotalSeconds:0.0} s; test runs ({testRun.Rounds} rounds × 3 cases × 2 objects, repeat {testRun.Repeat:N0})");
            testRuns.AddRange(testRun.Run(count, fill.TestedRules, TestRunBench.Cases(fill), cancel));
            // The next count starts from an empty trie; the last one measures removal.
            if (i + 1 < options.RuleCounts.Count) fill.Remove();
            else removal = MeasureRemoval(maps, writer, tested, count, fill, Step);
        }
        Step("done");
        return new BenchReport("./build.sh bench datapath", started, File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            Environment.ProcessorCount, objects.Valid, objects.Valid ? null : ComparedObjects.InvalidBanner,
            objects.CSharp, objects.Reference, instructions,
            new TestRunSettings(testRun.Repeat, testRun.Rounds, Netfence.Policy.Rules.PolicyLimits.MaxCidrsPerList), testRuns, fills,
            new ConnectSettings(connectBench.Rounds, connectBench.PerRound, connectBench.Warmup, connectBench.Rules, connectBench.CostRounds * connectBench.CostPerRound), connects,
            connectCosts, removal, clock.Elapsed);
    }
    finally
    {
        PinDirectory.Remove(pins);
    }
}

static int LoopbackIfindex() => int.Parse(File.ReadAllText("/sys/class/net/lo/ifindex").Trim(), System.Globalization.CultureInfo.InvariantCulture);

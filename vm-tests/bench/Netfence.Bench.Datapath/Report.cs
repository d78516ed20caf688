using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Netfence.Bench.Datapath;

/// <summary>A table as headers and text cells, rendered to Markdown (files, README) and to the console.</summary>
internal sealed record TextTable(string Title, string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"**{Title}** — {Caption}").AppendLine();
        md.AppendLine("| " + string.Join(" | ", Headers) + " |");
        md.AppendLine("|" + string.Concat(Headers.Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var row in Rows) md.AppendLine("| " + string.Join(" | ", row) + " |");
        return md.ToString();
    }

    public Table ToConsole()
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(Title)) };
        for (int i = 0; i < Headers.Count; i++)
            table.AddColumn(new TableColumn(Markup.Escape(Headers[i])) { Alignment = i == 0 ? Justify.Left : Justify.Right });
        foreach (var row in Rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        table.Caption = new TableTitle(Markup.Escape(Caption));
        return table;
    }
}

/// <summary>Everything one run measured, as written to datapath.json.</summary>
internal sealed record BenchReport(
    string Command, DateTimeOffset Started, string Kernel, int Cpus, bool ValidComparison, string? Invalidity,
    BenchObject CSharp, BenchObject Reference,
    IReadOnlyList<InstructionRow> Instructions,
    TestRunSettings TestRun, IReadOnlyList<TestRunRow> TestRuns, IReadOnlyList<FillTiming> Fills,
    ConnectSettings Connect, IReadOnlyList<ConnectRow> Connects, IReadOnlyList<ConnectCostRow> ConnectCosts,
    RemovalTiming? Removal, TimeSpan Duration)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public IReadOnlyList<TextTable> Tables()
    {
        return
        [
            new TextTable("Instructions per program",
                $"as loaded: xlated = instructions after the verifier's rewrites, verified = instructions the verifier processed; ratio = C# / clang, goal ≤ 1.00",
                ["program", "xlated C#", "xlated clang", "ratio", "verified C#", "verified clang", "ratio", "JIT bytes C#", "JIT bytes clang", "ratio"],
                Instructions.Select(r => (IReadOnlyList<string>)
                [
                    r.Program, N(r.CSharp.XlatedInstructions), N(r.Reference.XlatedInstructions), R(r.XlatedRatio),
                    N(r.CSharp.VerifiedInstructions), N(r.Reference.VerifiedInstructions), R(r.VerifiedRatio),
                    N(r.CSharp.JitedBytes), N(r.Reference.JitedBytes), R(r.JitedRatio),
                ]).ToList()),
            new TextTable("TC ingress, ns per packet",
                $"BPF_PROG_TEST_RUN repeat {TestRun.Repeat:N0}, median of {TestRun.Rounds} rounds alternating C# and clang; " +
                $"rules = /32 entries in the IPv4 trie, the tested attachment holding up to {TestRun.RulesPerAttachment:N0} of them; ratio = C# / clang, goal ≤ 1.00",
                ["rules", "case", "verdict (both)", "C# ns", "clang ns", "ratio"],
                TestRuns.Select(r => (IReadOnlyList<string>)
                [
                    N(r.Rules), r.Case, r.Verdict, r.CSharp.Median.ToString("0.#", Inv), r.Reference.Median.ToString("0.#", Inv), R(r.Ratio),
                ]).ToList()),
            new TextTable("connect() latency, µs (median / p99)",
                $"{Connect.Rounds} rounds rotating the process through 4 sibling cgroups, {Connect.PerRound} timed calls per path per round " +
                $"({Connect.Rounds * Connect.PerRound:N0} per cell); filtered cgroups: allowlist of {Connect.Rules:N0} hosts + 127.0.0.1/32 + the veth server's /32; " +
                "floor = connect4 and cgroup_skb egress programs that only return allow; " +
                "overhead = median vs no program, goal < 2 % on the warm allowed path",
                ["path", "no program", "floor", "overhead", "C# filter", "overhead", "clang filter", "overhead", "C# / clang"],
                Connects.Select(r => (IReadOnlyList<string>)
                [
                    r.Path, Us(r.None), Us(r.Floor), Pct(r.FloorOverheadPercent), Us(r.CSharp), Pct(r.CSharpOverheadPercent),
                    Us(r.Reference), Pct(r.ReferenceOverheadPercent), R(r.CSharpVsReference),
                ]).ToList()),
            new TextTable("Where a warm allowed connect's time goes (bpf_stats)",
                $"BPF_ENABLE_STATS on for this phase only; {Connect.CostConnects:N0} loopback connects per cgroup in rounds of rotating order; runs = program runs per connect " +
                "(cgroup_skb egress sees the SYN, the ACK and the RST that closes the socket), ns = run_time_ns / run_cnt as the kernel measures it",
                ["program", "runs", "floor ns", "C# ns", "clang ns", "floor ns / connect", "C# ns / connect", "clang ns / connect"],
                ConnectCosts.Select(r => (IReadOnlyList<string>)
                [
                    r.Program, r.CSharp.RunsPerConnect.ToString("0.00", Inv), r.Floor.NsPerRun.ToString("0", Inv), r.CSharp.NsPerRun.ToString("0", Inv),
                    r.Reference.NsPerRun.ToString("0", Inv), r.Floor.NsPerConnect.ToString("0", Inv), r.CSharp.NsPerConnect.ToString("0", Inv),
                    r.Reference.NsPerConnect.ToString("0", Inv),
                ]).ToList()),
        ];

        static string Us(Summary s) => $"{s.Median / 1000:0.00} / {s.P99 / 1000:0.00}";
    }

    /// <summary>The Markdown body: how it was made, then the tables (the README block and datapath.md).</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        if (!ValidComparison) md.AppendLine(CultureInfo.InvariantCulture, $"> **{Invalidity}**").AppendLine();
        string fills = string.Join(", ", Fills.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Rules:N0} in {f.Fill.TotalSeconds:0.0} s")));
        string removal = Removal is { } r
            ? FormattableString.Invariant(
                $" Removing the attachments holding {r.Rules:N0} rules (RuleSetWriter.Remove): {r.Batched.TotalSeconds:0.0} s with BPF_MAP_DELETE_BATCH, {r.PerElement.TotalSeconds:0.0} s with one delete per key.")
            : "";
        md.AppendLine(CultureInfo.InvariantCulture,
            $"`{Command}` on {Started:yyyy-MM-dd HH:mm} UTC, Linux {Kernel}, {Cpus} CPUs shared with other work (compare ratios, not absolute numbers); " +
            $"C# object `{Display(CSharp.Path)}` (sha256 {CSharp.Sha256[..12]}) against clang -O2 `{Display(Reference.Path)}` (sha256 {Reference.Sha256[..12]}); " +
            $"run took {Duration.TotalSeconds:0} s. Rules written through RuleSetWriter in batches: {fills}.{removal}");
        md.AppendLine();
        foreach (var table in Tables()) md.AppendLine(table.ToMarkdown());
        return md.ToString().TrimEnd() + "\n";
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    private static string Display(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    private static string N(long n) => n.ToString("N0", Inv);
    private static string R(double r) => double.IsNaN(r) ? "n/a" : r.ToString("0.00", Inv);
    private static string Pct(double p) => p.ToString("+0.0;-0.0;0.0", Inv) + " %";
}

internal sealed record TestRunSettings(uint Repeat, int Rounds, int RulesPerAttachment);

internal sealed record FillTiming(int Rules, TimeSpan Fill);

internal sealed record RemovalTiming(int Rules, TimeSpan Batched, TimeSpan PerElement);

internal sealed record ConnectSettings(int Rounds, int PerRound, int Warmup, int Rules, int CostConnects);

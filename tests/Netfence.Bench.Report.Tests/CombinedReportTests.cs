using System.Text.Json.Nodes;
using Netfence.Bench.Report.Headlines;
using Netfence.Bench.Report.Inputs;

namespace Netfence.Bench.Report.Tests;

public class CombinedReportTests
{
    static CombinedReport Report(bool quick = false) => CombinedReport.Build(Fixtures.Machine(), Fixtures.All(), quick);

    static Headline Row(CombinedReport report, string benchmark, string figureStart) =>
        Assert.Single(report.Headlines, h => h.Benchmark == benchmark && h.Figure.StartsWith(figureStart, StringComparison.Ordinal));

    [Fact]
    public void Every_benchmark_contributes_its_headlines_in_run_order()
    {
        var report = Report();
        Assert.Equal(["datapath", "dns", "policy", "scale"], report.Headlines.Select(h => h.Benchmark).Distinct());
        // Six programs, the TC range, two warm connect paths; four DNS figures and forwarding beside dnsmasq forwarding and the floor relay;
        // three policy; four scale.
        Assert.Equal(6 + 1 + 2, report.Headlines.Count(h => h.Benchmark == "datapath"));
        Assert.Equal(6, report.Headlines.Count(h => h.Benchmark == "dns"));
        Assert.Equal(3, report.Headlines.Count(h => h.Benchmark == "policy"));
        Assert.Equal(4, report.Headlines.Count(h => h.Benchmark == "scale"));
    }

    [Fact]
    public void Datapath_instructions_are_compared_with_clang_per_program()
    {
        var report = Report();
        var tc = Row(report, "datapath", "instructions (xlated), TcIngress");
        Assert.Equal(("580", "clang -O2: 563", "1.03", false), (tc.Netfence, tc.ComparedWith, tc.Ratio, tc.Met));
        var connect4 = Row(report, "datapath", "instructions (xlated), Connect4");
        Assert.Equal(("350", "clang -O2: 359", "0.97", true), (connect4.Netfence, connect4.ComparedWith, connect4.Ratio, connect4.Met));
    }

    [Fact]
    public void Datapath_tc_row_spans_every_case_and_fails_the_goal_if_any_case_does()
    {
        var tc = Row(Report(), "datapath", "TC ingress ns per packet");
        Assert.Equal("TC ingress ns per packet, 9 cases (10 / 10,000 / 1,000,000 rules)", tc.Figure);
        Assert.Equal("73–298 ns", tc.Netfence);
        Assert.Equal("clang -O2: 80–310 ns", tc.ComparedWith);
        Assert.Equal("0.91–1.01", tc.Ratio);
        Assert.False(tc.Met); // the 10-rule miss is 1.013
    }

    [Fact]
    public void Warm_connect_overhead_shows_both_objects_against_no_program()
    {
        var report = Report();
        var loopback = Row(report, "datapath", "connect() overhead vs no program, warm allowed (connects)");
        Assert.Equal("+9.0 % (37.4 µs)", loopback.Netfence);
        Assert.Equal("clang -O2: +8.4 % (37.2 µs); no program 34.3 µs", loopback.ComparedWith);
        Assert.Equal("1.01", loopback.Ratio);
        Assert.False(loopback.Met);
        Row(report, "datapath", "connect() overhead vs no program, warm allowed, server in another netns");
        Assert.DoesNotContain(report.Headlines, h => h.Figure.Contains("blocked", StringComparison.Ordinal));
    }

    [Fact]
    public void Figures_without_a_goal_say_so_instead_of_judging()
    {
        var report = Report();
        foreach (var h in report.Headlines.Where(h => h.Benchmark == "scale"))
        {
            Assert.Null(h.Met);
            Assert.Equal("—", h.MetText);
        }
        Assert.Null(Row(report, "policy", "control-plane one-rule command").Met);
        Assert.Null(Row(report, "policy", "BulkUpdate of").Met);
    }

    [Fact]
    public void Markdown_has_the_machine_line_and_one_row_per_headline()
    {
        var report = Report();
        var markdown = report.ToMarkdown();
        Assert.Contains("Linux 6.18.44-test, AMD EPYC × 2 CPUs, 24.0 GiB memory, load average 30.50 at the start", markdown);
        Assert.Contains("git 565148b; the whole run took 5 min 12 s", markdown);
        Assert.Contains("| benchmark | figure | Netfence | compared with | ratio | goal | met? |", markdown);
        var rows = markdown.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        Assert.Equal(report.Headlines.Count + 1, rows.Count); // the header and one row per headline
        Assert.Contains("| datapath | instructions (xlated), TcIngress | 580 | clang -O2: 563 | 1.03 | ≤ 1.00 | **no** |", markdown);
        Assert.DoesNotContain("QUICK RUN", markdown);
        foreach (var name in CombinedReport.Benchmarks) Assert.Contains($"{name} at ", markdown);
    }

    [Fact]
    public void A_quick_run_says_so_above_the_table()
    {
        var markdown = Report(quick: true).ToMarkdown();
        Assert.StartsWith("> **QUICK RUN**", markdown);
        Assert.Contains("`./build.sh bench all --quick`", markdown);
    }

    [Fact]
    public void A_file_older_than_the_run_is_refused_by_name()
    {
        var machine = Fixtures.Machine();
        var files = Fixtures.All().Where(f => f.Name != "dns")
            .Append(Fixtures.Edited("dns", n => n["started"] = machine.Started.AddSeconds(-2).ToString("o"))).ToList();
        var e = Assert.Throws<ReportInputException>(() => CombinedReport.Build(machine, files, quick: false));
        Assert.StartsWith("edited/dns.json is from", e.Message);
        Assert.Contains("the dns benchmark did not write it in this run", e.Message);
    }

    [Fact]
    public void A_missing_benchmark_is_named()
    {
        var files = Fixtures.All().Where(f => f.Name != "scale").ToList();
        var e = Assert.Throws<ReportInputException>(() => CombinedReport.Build(Fixtures.Machine(), files, quick: false));
        Assert.Contains("no scale.json was given", e.Message);
    }

    [Fact]
    public void A_missing_figure_is_named_with_its_file_and_path()
    {
        var files = Fixtures.All().Where(f => f.Name != "policy")
            .Append(Fixtures.Edited("policy", n => n["bulkUpdates"]!.AsObject().Remove("p99"))).ToList();
        var e = Assert.Throws<ReportInputException>(() => CombinedReport.Build(Fixtures.Machine(), files, quick: false));
        Assert.Equal("edited/policy.json: no 'bulkUpdates.p99' (the policy benchmark's JSON lacks a figure the report needs)", e.Message);
    }

    [Fact]
    public void A_figure_inside_an_array_is_named_with_its_index()
    {
        var file = Fixtures.Edited("datapath", n => n["instructions"]![2]!["reference"]!.AsObject().Remove("xlatedInstructions"));
        var e = Assert.Throws<ReportInputException>(() => DatapathHeadlines.From(file).ToList());
        Assert.Contains("no 'instructions[2].reference.xlatedInstructions'", e.Message);
    }

    [Fact]
    public void A_figure_that_is_not_a_number_is_refused()
    {
        var file = Fixtures.Edited("dns", n => n["forwardingQpsRatio"] = "NaN");
        var e = Assert.Throws<ReportInputException>(() => DnsHeadlines.From(file).ToList());
        Assert.Equal("edited/dns.json: 'forwardingQpsRatio' is \"NaN\", not a number", e.Message);
    }

    [Fact]
    public void An_invalid_datapath_comparison_is_refused()
    {
        var file = Fixtures.Edited("datapath", n =>
        {
            n["validComparison"] = false;
            n["invalidity"] = "NOT A VALID COMPARISON";
        });
        var e = Assert.Throws<ReportInputException>(() => DatapathHeadlines.From(file).ToList());
        Assert.Contains("is not a valid comparison", e.Message);
    }

    [Fact]
    public void A_missing_file_says_which_benchmark_to_run()
    {
        var empty = Directory.CreateTempSubdirectory("nft-report-");
        try
        {
            var e = Assert.Throws<ReportInputException>(() => BenchFile.Read(empty.FullName, "scale"));
            Assert.Contains("scale.json does not exist: run `./build.sh bench scale`", e.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_dns_file_must_hold_the_three_configurations_in_order()
    {
        var file = Fixtures.Edited("dns", n => n["configurations"]!.AsArray().RemoveAt(2));
        var e = Assert.Throws<ReportInputException>(() => DnsHeadlines.From(file).ToList());
        Assert.Contains("'configurations' has 2 entries", e.Message);
    }
}

using Netfence.Bench.Report.Headlines;

namespace Netfence.Bench.Report.Tests;

/// <summary>The figures each benchmark's headlines take from its fixture, as the README table shows them.</summary>
public class FixtureFigureTests
{
    static Headline Row(IEnumerable<Headline> rows, string figureStart) =>
        Assert.Single(rows, h => h.Figure.StartsWith(figureStart, StringComparison.Ordinal));

    [Fact]
    public void Dns_compares_forwarding_and_the_cache_with_dnsmasq_asked_directly_and_forwarding_with_dnsmasq_forwarding_and_the_floor_relay()
    {
        var rows = DnsHeadlines.From(Fixtures.Load("dns")).ToList();
        var qps = Row(rows, "QPS, forwarding");
        Assert.Equal(("9,225", "dnsmasq direct: 48,101", "0.19", "≥ 0.80", false), (qps.Netfence, qps.ComparedWith, qps.Ratio, qps.Goal, qps.Met));
        var reference = Row(rows, "forwarding QPS (cache off) against a C forwarder");
        Assert.Equal(("9,225", "dnsmasq forwarding, one query port: 5,125", "1.80", "—", (bool?)null),
            (reference.Netfence, reference.ComparedWith, reference.Ratio, reference.Goal, reference.Met));
        var floor = Row(rows, "forwarding QPS (cache off) against the floor");
        Assert.Equal(("9,225", "relay: 30,750 (0.64 of direct)", "0.30", "—", (bool?)null),
            (floor.Netfence, floor.ComparedWith, floor.Ratio, floor.Goal, floor.Met));
        var p50 = Row(rows, "p50 latency, forwarding");
        Assert.Equal(("246 µs (+227 µs)", "dnsmasq direct: 19 µs", "12.86", false), (p50.Netfence, p50.ComparedWith, p50.Ratio, p50.Met));
        var cachedQps = Row(rows, "QPS, cache on");
        Assert.Equal(("55,119", "1.15", true), (cachedQps.Netfence, cachedQps.Ratio, cachedQps.Met));
        var cachedP50 = Row(rows, "p50 latency, cache on");
        Assert.Equal(("25 µs", "1.33", false), (cachedP50.Netfence, cachedP50.Ratio, cachedP50.Met));
    }

    [Fact]
    public void Scale_puts_each_figure_beside_the_same_one_with_no_attachments()
    {
        var rows = ScaleHeadlines.From(Fixtures.Load("scale")).ToList();
        var attach = Row(rows, "attach latency p50 / p99");
        Assert.Equal(("attach latency p50 / p99, 30 attachments one after another", "46.3 / 3,523 ms"), (attach.Figure, attach.Netfence));
        var rss = Row(rows, "daemon RSS per attachment");
        Assert.Equal(("432.8 KiB", "no attachments: 97.0 MiB in all"), (rss.Netfence, rss.ComparedWith));
        var restart = Row(rows, "restart");
        Assert.Equal(("8.75 s", "no attachments: 5.48 s", "1.60"), (restart.Netfence, restart.ComparedWith, restart.Ratio));
        var resync = Row(rows, "control-plane resync");
        Assert.Equal(("1.23 s", "no attachments: 0.66 s", "1.85"), (resync.Netfence, resync.ComparedWith, resync.Ratio));
    }

    [Fact]
    public void Policy_gives_the_edit_requirement_and_the_control_plane_latencies()
    {
        var rows = PolicyHeadlines.From(Fixtures.Load("policy")).ToList();
        var edit = Row(rows, "policy-file edit");
        Assert.Equal(("policy-file edit → enforced, p99 (6 edits)", "255 ms (max 255)", "goal: 1,000 ms", "0.26", true),
            (edit.Figure, edit.Netfence, edit.ComparedWith, edit.Ratio, edit.Met));
        var command = Row(rows, "control-plane one-rule command");
        Assert.Equal(("control-plane one-rule command → enforced, p50 / p99 (10 commands)", "15.6 / 27.3 ms"), (command.Figure, command.Netfence));
        var bulk = Row(rows, "BulkUpdate of");
        Assert.Equal(("BulkUpdate of 10,000 CIDRs → enforced, p50 / p99 (2 updates)", "165 / 251 ms"), (bulk.Figure, bulk.Netfence));
    }
}

using Netfence.Sandbox.Probing;
using Spectre.Console;

namespace Netfence.Demo.Product;

/// <summary>How observations are shown: one table row per attempt, filled in live as the attempt completes.</summary>
static class AttemptTable
{
    public static readonly string[] Columns = ["attempt", "DNS answer", "the workload saw", "evidence", "verdict", "policy"];

    public static Table Create(string title) =>
        new Table().Title($"[bold]{title}[/]").AddColumns(Columns).Border(TableBorder.Rounded);

    /// <summary>A placeholder row for an attempt still running.</summary>
    public static string[] Running(Attempt attempt) =>
        [Markup.Escape(attempt.Describe()), "[grey]…[/]", "[grey]…[/]", "", "", Markup.Escape(attempt.Why)];

    /// <summary>The cells for a finished attempt.</summary>
    public static string[] Cells(Observation o)
    {
        var r = o.Result;
        var dns = o.Attempt.Name is null ? "[grey]no lookup[/]"
            : r.Rcode is null ? "[grey]—[/]"
            : r.Rcode == "NOERROR" ? $"NOERROR {Markup.Escape(string.Join(' ', r.Addresses))}"
            : $"[yellow]{Markup.Escape(r.Rcode)}[/]";
        var saw = r.Outcome switch
        {
            ProbeOutcome.Connected => Markup.Escape(Shorten(r.Detail)),
            ProbeOutcome.Replied => Markup.Escape(Shorten(r.Detail)),
            ProbeOutcome.Denied => "[yellow]EPERM[/] from " + (o.Attempt.Protocol == "tcp" ? "connect()" : "sendto()"),
            ProbeOutcome.TimedOut => "[yellow]no answer[/] in 1.5 s",
            ProbeOutcome.DnsError => "no address: nothing sent",
            _ => $"[red]{Markup.Escape(r.Outcome.ToString())}[/]: {Markup.Escape(Shorten(r.Detail))}",
        };
        var evidence = o.Attempt.Name is not null && r.Outcome == ProbeOutcome.DnsError
            ? (o.UpstreamAsked ? "[red]upstream was asked[/]" : "upstream never asked")
            : o.ServerSawIt ? "the server recorded it" : "server never saw it";
        var verdict = o.Actual switch
        {
            Expected.Allowed => "[green]allowed[/]",
            Expected.DnsRefused => "[red]blocked[/]: DNS REFUSED",
            Expected.Denied => "[red]blocked[/]: cgroup filter",
            Expected.Dropped => "[red]blocked[/]: dropped at TC ingress",
            _ => "[red bold]unexplained[/]",
        };
        verdict += o.AsExpected ? " [green]✓[/]" : $" [red bold]✗ expected {o.Attempt.Expected}[/]";
        return [Markup.Escape(o.Attempt.Describe()), dns, saw, evidence, verdict, Markup.Escape(o.Attempt.Why)];
    }

    static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 40 ? line : line[..39] + "…";
    }
}

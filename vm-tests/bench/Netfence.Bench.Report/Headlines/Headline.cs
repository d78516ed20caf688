namespace Netfence.Bench.Report.Headlines;

/// <summary>
/// One row of the combined table: a figure of one benchmark, what it is compared with (clang, dnsmasq asked
/// directly, no program, no attachments), the ratio, and the goal with whether it was met (null: no goal is set).
/// </summary>
internal sealed record Headline(string Benchmark, string Figure, string Netfence, string ComparedWith, string Ratio, string Goal, bool? Met)
{
    /// <summary>The text of the "met?" column.</summary>
    public string MetText => Met switch
    {
        true => "yes",
        false => "**no**",
        null => "—",
    };
}

namespace Netfence.Bench;

/// <summary>What every benchmark's report offers: the README table, a JSON form for tools, how long the run took.</summary>
internal interface IBenchReport
{
    string ToMarkdown();
    string ToJson();
    TimeSpan Duration { get; }
}

/// <summary>
/// Publishes a finished run the same way for every benchmark: <c>OUT/NAME.md</c> and <c>OUT/NAME.json</c>, the table
/// on stdout, and, when asked, the table between the README's <c>bench:NAME</c> markers (<see cref="ReadmeTable"/>).
/// </summary>
internal static class BenchReportWriter
{
    public static void Publish(IBenchReport report, string name, string title, string outputDirectory, string? readme)
    {
        Directory.CreateDirectory(outputDirectory);
        var stem = Path.Combine(outputDirectory, name);
        var markdown = report.ToMarkdown();
        File.WriteAllText(stem + ".md", $"# {title}\n\n{markdown}");
        File.WriteAllText(stem + ".json", report.ToJson());
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"written: {stem}.md, {stem}.json ({report.Duration.TotalSeconds:0} s)");
        if (readme is null) return;
        ReadmeTable.Replace(readme, name, markdown);
        Console.WriteLine($"updated the table in {readme}");
    }
}

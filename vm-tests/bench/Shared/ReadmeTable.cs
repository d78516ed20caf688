namespace Netfence.Bench;

/// <summary>
/// Keeps the README's latest table of one benchmark: replaces what lies between its markers
/// (<c>&lt;!-- bench:NAME:start --&gt;</c> … <c>&lt;!-- bench:NAME:end --&gt;</c>). Shared by every benchmark
/// executable (linked into each), so the markers are written one way.
/// </summary>
internal static class ReadmeTable
{
    public static string Start(string benchmark) => $"<!-- bench:{benchmark}:start -->";

    public static string End(string benchmark) => $"<!-- bench:{benchmark}:end -->";

    public static void Replace(string readmePath, string benchmark, string markdown)
    {
        string start = Start(benchmark), end = End(benchmark);
        var text = File.ReadAllText(readmePath);
        int from = text.IndexOf(start, StringComparison.Ordinal);
        int to = text.IndexOf(end, StringComparison.Ordinal);
        if (from < 0 || to < from)
            throw new InvalidOperationException($"{readmePath} has no '{start}' … '{end}' block for the {benchmark} benchmark's table");
        File.WriteAllText(readmePath, text[..(from + start.Length)] + "\n" + markdown + text[to..]);
    }
}

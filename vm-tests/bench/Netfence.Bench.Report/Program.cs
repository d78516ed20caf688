using Netfence.Bench.Report;
using Netfence.Bench.Report.Inputs;

// netfence-bench-report: see ReportOptions.Usage; `./build.sh bench` runs it after the four benchmarks.
ReportOptions options;
try
{
    options = ReportOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"netfence-bench-report: {e.Message}\n{ReportOptions.Usage}");
    return 2;
}

try
{
    var files = CombinedReport.Benchmarks.Select(name => BenchFile.Read(options.BenchDirectory, name)).ToList();
    var machine = Machine.Read(options.LoadAverage, options.Started, options.Commit, DateTimeOffset.UtcNow);
    var report = CombinedReport.Build(machine, files, options.Quick);
    var markdown = report.ToMarkdown();
    var path = Path.Combine(options.BenchDirectory, "report.md");
    File.WriteAllText(path, $"# Benchmarks: one report\n\n{markdown}");
    Console.WriteLine();
    Console.WriteLine(markdown);
    Console.WriteLine($"written: {path}");
    if (options.Readme is { } readme)
    {
        Netfence.Bench.ReadmeTable.Replace(readme, "report", markdown);
        Console.WriteLine($"updated the table in {readme}");
    }
    return 0;
}
catch (Exception e) when (e is ReportInputException or InvalidOperationException or IOException)
{
    Console.Error.WriteLine($"netfence-bench-report: {e.Message}");
    return 1;
}

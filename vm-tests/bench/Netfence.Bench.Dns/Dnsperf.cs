using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Netfence.Bench.Dns;

/// <summary>What one dnsperf run reported.</summary>
internal sealed record DnsperfRun(double Qps, long Sent, long Completed, long Lost, double MeanLatencyUs, string ResponseCodes)
{
    public bool AllNoError => ResponseCodes.StartsWith("NOERROR", StringComparison.Ordinal) && !ResponseCodes.Contains(',', StringComparison.Ordinal);
}

/// <summary>Runs dnsperf (one client, one thread) and reads its summary.</summary>
internal static partial class Dnsperf
{
    public static DnsperfRun Run(IPEndPoint server, string queryFile, TimeSpan duration, int outstanding, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dnsperf") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args =
        [
            "-s", server.Address.ToString(), "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-d", queryFile,
            "-l", duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture), "-q", outstanding.ToString(CultureInfo.InvariantCulture),
            "-c", "1", "-T", "1", "-t", "2",
        ];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dnsperf did not start");
        using var kill = cancellationToken.Register(() => process.Kill());
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        string? qps = null, sent = null, completed = null, lost = null, mean = null, codes = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            qps ??= Field(line, "Queries per second:");
            sent ??= Field(line, "Queries sent:");
            completed ??= Field(line, "Queries completed:");
            lost ??= Field(line, "Queries lost:");
            mean ??= Field(line, "Average Latency (s):");
            codes ??= line.TrimStart().StartsWith("Response codes:", StringComparison.Ordinal) ? line.Split(':', 2)[1].Trim() : null;
        }
        process.WaitForExit();
        cancellationToken.ThrowIfCancellationRequested();
        if (process.ExitCode != 0 || qps is null || sent is null || completed is null || lost is null || mean is null)
            throw new InvalidOperationException($"dnsperf {string.Join(' ', args)} exited {process.ExitCode} without its statistics: {stderr.Result.Trim()}");
        return new DnsperfRun(Number(qps), (long)Number(sent), (long)Number(completed), (long)Number(lost), Number(mean) * 1e6, codes ?? "none");
    }

    // "  Queries completed:    50157 (100.00%)" → "50157".
    static string? Field(string line, string label)
    {
        var trimmed = line.TrimStart();
        if (!trimmed.StartsWith(label, StringComparison.Ordinal)) return null;
        return FirstNumber().Match(trimmed[label.Length..]).Value;
    }

    static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"[0-9]+(\.[0-9]+)?")]
    private static partial Regex FirstNumber();
}

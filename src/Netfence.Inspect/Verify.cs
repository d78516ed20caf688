using System.Text.RegularExpressions;
using Netfence.Bpf.Elf;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;

namespace Netfence.Inspect;

/// <summary>
/// --verify: loads an object's programs into the kernel and reports the verifier's verdict,
/// its statistics, and for a rejection the whole log with the source line it stopped at.
/// </summary>
public static partial class Verify
{
    public static VerifyReport Run(InspectedInput input)
    {
        var spec = input.Spec ?? throw new InspectException($"{input.Source}: --verify needs an object or assembly (a live program is already verified)");
        using var scratch = ScratchPins.For(spec);
        var pins = scratch.Path;
        try
        {
            using var collection = CollectionLoader.Load(spec, new CollectionOptions { LogLevel = VerifierLogLevel.Statistics, PinDirectory = pins });
            var verdicts = input.Programs.Select(p => collection.Programs[p.Name]).Select(p =>
                new ProgramVerdict(p.Name, true, ParseStatistics(p.VerifierLog ?? ""), Lines(p.VerifierLog ?? ""), [], null)).ToList();
            return new VerifyReport(input.Source, true, verdicts, null);
        }
        catch (VerifierException first)
        {
            // A statistics-only log says nothing about why; the branch log walks the path that failed,
            // with the source lines the verifier takes from line_info.
            var e = LoadForLog(spec, pins) ?? first;
            var log = Lines(e.Log);
            var verdict = new ProgramVerdict(e.ProgramName, false, ParseStatistics(e.Log), log, e.DecisiveLines, LastSourceLine(log));
            return new VerifyReport(input.Source, false, [verdict], null);
        }
        catch (BpfException e)
        {
            return new VerifyReport(input.Source, false, [], e.Message);
        }
    }

    static VerifierException? LoadForLog(CollectionSpec spec, string? pins)
    {
        try
        {
            using var again = CollectionLoader.Load(spec, new CollectionOptions { LogLevel = VerifierLogLevel.Branch | VerifierLogLevel.Statistics, PinDirectory = pins });
            return null;
        }
        catch (VerifierException e)
        {
            return e;
        }
    }

    static List<string> Lines(string log) => log.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();

    /// <summary>The last <c>; source @ file:line</c> line the verifier printed before it stopped.</summary>
    static string? LastSourceLine(IReadOnlyList<string> log) => log.LastOrDefault(l => l.StartsWith("; ", StringComparison.Ordinal) && l.Contains(" @ ", StringComparison.Ordinal));

    public static VerifierStatistics? ParseStatistics(string log)
    {
        var processed = Processed().Match(log);
        var stack = StackDepth().Match(log);
        var time = Time().Match(log);
        if (!processed.Success && !stack.Success) return null;
        static int? Int(Match m, string group) => m.Success && m.Groups[group].Success ? int.Parse(m.Groups[group].Value) : null;
        return new VerifierStatistics(Int(processed, "insns"), Int(processed, "total"), Int(processed, "peak"),
            stack.Success ? stack.Groups["depth"].Value.Split('+').Sum(int.Parse) : null, Int(time, "usec"));
    }

    public static void Write(Output o, VerifyReport r)
    {
        if (r.Error is not null) o.Line($"{r.Input}: load failed: {r.Error}", "red");
        foreach (var p in r.Programs)
        {
            var s = p.Statistics;
            o.Line($"program {p.Name}: {(p.Accepted ? "accepted" : "REJECTED")}", p.Accepted ? "green bold" : "red bold");
            if (s is not null)
                o.Line($"  processed {s.InstructionsProcessed?.ToString() ?? "?"} insns, total states {s.TotalStates?.ToString() ?? "?"}, "
                       + $"peak states {s.PeakStates?.ToString() ?? "?"}, stack depth {s.StackDepth?.ToString() ?? "?"}, "
                       + $"verification time {s.VerificationMicroseconds?.ToString() ?? "?"} usec");
            if (p.Accepted) continue;
            o.Line("verifier log:");
            var decisive = p.DecisiveLines.ToHashSet();
            foreach (var line in p.Log)
            {
                bool isSource = line == p.RejectedSourceLine;
                o.Line((decisive.Contains(line) || isSource ? ">> " : "   ") + line, isSource ? "yellow bold" : decisive.Contains(line) ? "red" : null);
            }
            if (p.RejectedSourceLine is not null) o.Line($"rejected at: {p.RejectedSourceLine[2..]}", "yellow bold");
        }
    }

    [GeneratedRegex(@"processed (?<insns>\d+) insns.*?total_states (?<total>\d+) peak_states (?<peak>\d+)")]
    private static partial Regex Processed();

    [GeneratedRegex(@"stack depth (?<depth>[\d+]+)")]
    private static partial Regex StackDepth();

    [GeneratedRegex(@"verification time (?<usec>\d+) usec")]
    private static partial Regex Time();
}

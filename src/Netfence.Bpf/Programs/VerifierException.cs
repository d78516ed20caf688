using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Programs;

/// <summary>
/// The verifier rejected a program. <see cref="Log"/> is the kernel's whole log (never
/// truncated: the loader grows its buffer until the log fits); the message shows the decisive
/// last lines, which is where the kernel says what it objected to.
/// </summary>
public sealed class VerifierException : BpfException
{
    /// <summary>How many trailing lines the message quotes.</summary>
    public const int DecisiveLineCount = 6;

    public VerifierException(string programName, Errno errno, string log)
        : base($"BPF_PROG_LOAD '{programName}'", errno, BuildHint(log))
    {
        ProgramName = programName;
        Log = log;
    }

    public string ProgramName { get; }

    /// <summary>The complete verifier log.</summary>
    public string Log { get; }

    /// <summary>The last lines that explain the rejection (statistics lines excluded).</summary>
    public IReadOnlyList<string> DecisiveLines => ExtractDecisiveLines(Log);

    static string BuildHint(string log)
    {
        var lines = ExtractDecisiveLines(log);
        if (lines.Count == 0) return "the verifier rejected the program and gave no log";
        var total = log.Split('\n').Length;
        return "the verifier rejected the program:\n    " + string.Join("\n    ", lines)
               + $"\n  (the full verifier log, {total} lines, is in {nameof(VerifierException)}.{nameof(Log)})";
    }

    /// <summary>The last lines before the kernel's statistics trailer.</summary>
    public static IReadOnlyList<string> ExtractDecisiveLines(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.TrimEnd())
            .Where(l => l.Length > 0 && !IsStatisticsLine(l))
            .ToList();
        return lines.Skip(Math.Max(0, lines.Count - DecisiveLineCount)).ToList();
    }

    /// <summary>True for the trailer lines the verifier prints after every run.</summary>
    public static bool IsStatisticsLine(string line) =>
        line.StartsWith("processed ", StringComparison.Ordinal) && line.Contains("insns", StringComparison.Ordinal)
        || line.StartsWith("verification time", StringComparison.Ordinal)
        || line.StartsWith("stack depth", StringComparison.Ordinal);
}

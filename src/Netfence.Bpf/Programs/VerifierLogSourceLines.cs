using System.Text.RegularExpressions;
using Netfence.Bpf.Btf;

namespace Netfence.Bpf.Programs;

/// <summary>
/// Gives the verifier's source lines their file and line where the kernel printed only the text. Newer kernels
/// print a line_info as <c>; text @ file:line</c>; older ones (6.1 LTS among them) print <c>; text</c>. The loader
/// sent those line_info records itself, so it can say where each line is, and every kernel's log then reads the same
/// way (<see cref="VerifierException"/>, <c>bytecode-inspect --verify</c>'s "rejected at").
/// </summary>
public static partial class VerifierLogSourceLines
{
    /// <summary>
    /// Returns <paramref name="log"/> with <c> @ file:line</c> (the file's name without directories, as the kernel
    /// prints it) appended to each <c>; text</c> line that lacks it. A source line is matched to the line_info the
    /// kernel printed it for: the record in force at the instruction on the next line, whose text must be the same;
    /// a line the kernel printed elsewhere is matched by its text when exactly one file and line has that text.
    /// Lines already annotated, and lines no record accounts for, are left as they are.
    /// </summary>
    public static string Annotate(string log, IReadOnlyList<BtfLineInfo> lineInfo)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(lineInfo);
        if (lineInfo.Count == 0 || !log.Contains("; ", StringComparison.Ordinal)) return log;

        var byOffset = lineInfo.OrderBy(r => r.InstructionOffset).ToArray();
        var byText = lineInfo.GroupBy(r => KernelText(r.LineText), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(Location).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

        var lines = log.Split('\n');
        bool changed = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("; ", StringComparison.Ordinal)) continue;
            var text = lines[i][2..];
            string? location = null;
            if (i + 1 < lines.Length && InstructionIndex().Match(lines[i + 1]) is { Success: true } insn
                && int.TryParse(insn.Groups[1].ValueSpan, out var index)
                && InForce(byOffset, (uint)index) is { } record && KernelText(record.LineText) == text)
            {
                location = Location(record);
            }
            else if (byText.TryGetValue(text, out var places) && places.Length == 1)
            {
                location = places[0];
            }
            if (location is null) continue;
            lines[i] = $"; {text} @ {location}";
            changed = true;
        }
        return changed ? string.Join('\n', lines) : log;
    }

    /// <summary>The record the kernel's find_prog_linfo picks: the last one at or before the instruction.</summary>
    static BtfLineInfo? InForce(BtfLineInfo[] byOffset, uint instruction)
    {
        BtfLineInfo? found = null;
        foreach (var r in byOffset)
        {
            if (r.InstructionOffset > instruction) break;
            found = r;
        }
        return found;
    }

    // The kernel skips the text's leading white space (ltrim) and prints the file's name after its last '/'.
    static string KernelText(string text) => text.TrimStart(' ', '\t', '\n', '\v', '\f', '\r');

    static string Location(BtfLineInfo r)
    {
        var slash = r.FileName.LastIndexOf('/');
        return $"{(slash < 0 ? r.FileName : r.FileName[(slash + 1)..])}:{r.Line}";
    }

    [GeneratedRegex(@"^(\d+): ")]
    private static partial Regex InstructionIndex();
}

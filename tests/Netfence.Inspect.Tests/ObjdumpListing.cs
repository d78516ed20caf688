using System.Globalization;
using System.Text.RegularExpressions;
using Netfence.Sandbox;

namespace Netfence.Inspect.Tests;

/// <summary>
/// What <c>llvm-objdump -d -r</c> and <c>-t</c> say about an object: per section, the text of
/// the instruction at each slot and the relocation on it; the function symbols with their ranges.
/// </summary>
public sealed partial class ObjdumpListing
{
    /// <summary>One instruction; <c>PseudoCall</c>: a BPF-to-BPF call (CALL with src_reg 1), which llvm prints as a
    /// bare <c>call N</c> when clang resolved a same-section call without a relocation.</summary>
    public sealed record Line(string Text, string? Relocation, string? RelocationType, bool PseudoCall = false);
    public sealed record Function(string Name, string Section, int StartSlot, int Slots);

    public Dictionary<string, SortedDictionary<int, Line>> Sections { get; } = [];
    public Dictionary<string, Function> Functions { get; } = [];

    public static ObjdumpListing Of(string objectPath)
    {
        var result = new ObjdumpListing();
        var disassembly = Command.Run("llvm-objdump", "-d", "-r", objectPath);
        SortedDictionary<int, Line>? current = null;
        int lastSlot = -1;
        foreach (var raw in disassembly.Split('\n'))
        {
            if (SectionHeader().Match(raw) is { Success: true } s)
            {
                current = result.Sections[s.Groups[1].Value] = [];
                continue;
            }
            if (current is null) continue;
            if (Relocation().Match(raw) is { Success: true } r && lastSlot >= 0)
            {
                current[lastSlot] = current[lastSlot] with { RelocationType = r.Groups[1].Value, Relocation = r.Groups[2].Value };
                continue;
            }
            if (InstructionLine().Match(raw) is { Success: true } m)
            {
                lastSlot = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                var bytes = m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                current[lastSlot] = new Line(m.Groups[3].Value.Trim(), null, null, bytes is ["85", var regs, ..] && (Convert.ToInt32(regs, 16) >> 4) == 1);
            }
        }
        foreach (var raw in Command.Run("llvm-objdump", "-t", objectPath).Split('\n'))
        {
            if (SymbolLine().Match(raw) is not { Success: true } m || !m.Groups[2].Value.Contains('F')) continue;
            var value = Convert.ToInt64(m.Groups[1].Value, 16);
            var size = Convert.ToInt64(m.Groups[4].Value, 16);
            result.Functions[m.Groups[5].Value] = new Function(m.Groups[5].Value, m.Groups[3].Value, (int)(value / 8), (int)(size / 8));
        }
        return result;
    }

    [GeneratedRegex(@"^Disassembly of section (.+):$")]
    private static partial Regex SectionHeader();

    [GeneratedRegex(@"^\s+[0-9a-f]+:\s+(R_BPF_\w+)\s+(\S+)\s*$")]
    private static partial Regex Relocation();

    [GeneratedRegex(@"^\s*(\d+):\t((?:[0-9a-f]{2} ?)+)\t(.*)$")]
    private static partial Regex InstructionLine();

    [GeneratedRegex(@"^([0-9a-f]{16})\s(.{7})\s(\S+)\s+([0-9a-f]{16})\s(\S+)\s*$")]
    private static partial Regex SymbolLine();
}

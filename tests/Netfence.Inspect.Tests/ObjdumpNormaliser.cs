using System.Globalization;
using System.Text.RegularExpressions;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Elf;

namespace Netfence.Inspect.Tests;

/// <summary>
/// Brings llvm-objdump's lines and ours to one form. What legitimately differs: llvm prints jump
/// labels (<c>goto +5 &lt;LBB0_2&gt;</c>), newer LLVM prints hex numbers, a LD_IMM64 with a
/// relocation prints its raw immediate plus a relocation line where our linked program names the
/// map or data section, and BPF-to-BPF calls carry section-relative immediates in the object
/// but program-relative ones after linking.
/// </summary>
public static partial class ObjdumpNormaliser
{
    public static string Llvm(ObjdumpListing.Line line, CollectionSpec spec)
    {
        var text = Common(line.Text);
        if ((line.RelocationType == "R_BPF_64_32" || line.PseudoCall) && text.StartsWith("call ", StringComparison.Ordinal)) return "call <subprogram>";
        if (line.RelocationType == "R_BPF_64_64" && LdImm64().Match(text) is { Success: true } m)
        {
            var sym = line.Relocation!;
            var imm = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            string target;
            if (spec.Maps.ContainsKey(sym) && spec.Maps[sym].DataSection is null) target = sym;
            else if (spec.Variables.TryGetValue(sym, out var v)) target = WithOffset(v.Section, v.Offset + imm);
            else target = WithOffset(sym, imm);
            return $"{m.Groups[1].Value} = {target} ll";
        }
        return text;
    }

    public static string Ours(Instruction insn, string text)
    {
        if (insn.OpCode == (OpCodes.ClassJmp | OpCodes.Call) && (byte)insn.Src == OpCodes.PseudoCall) return "call <subprogram>";
        // LLVM 14 decodes a 32-bit atomic fetch-add (imm 0x01) as the plain xadd, dropping the fetch.
        if (insn.OpCode == (OpCodes.ClassStx | OpCodes.ModeAtomic | OpCodes.SizeW) && insn.Constant == 0x01 && Llvm14FetchAdd().Match(text) is { Success: true } m)
            return $"lock *(u32 *)({m.Groups[2].Value}) += r{m.Groups[1].Value}";
        return Common(text);
    }

    static string WithOffset(string name, long offset) => offset == 0 ? name : $"{name}+{offset}";

    static string Common(string text)
    {
        text = Label().Replace(text, "");
        text = Hex().Replace(text, m => long.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
        return Spaces().Replace(text, " ").Trim();
    }

    [GeneratedRegex(@"\s+<[^<>\s]+>\s*$")]
    private static partial Regex Label();

    [GeneratedRegex(@"0x([0-9a-f]+)")]
    private static partial Regex Hex();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^w(\d+) = atomic_fetch_add\(\(u32 \*\)\(([^)]*)\), w\d+\)$")]
    private static partial Regex Llvm14FetchAdd();

    [GeneratedRegex(@"^(r\d+) = (-?\d+) ll$")]
    private static partial Regex LdImm64();
}

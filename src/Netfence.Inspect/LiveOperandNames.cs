using System.Globalization;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Disassembly;

namespace Netfence.Inspect;

/// <summary>
/// Names operands of xlated code. The kernel stores map ids in LD_IMM64s (shown with the map's
/// name, <c>map[id:5:nf_counts]</c>) and rewrites helper ids into offsets from
/// <c>__bpf_call_base</c>, which /proc/kallsyms turns back into function names (as bpftool does).
/// </summary>
public sealed class LiveOperandNames(IReadOnlyDictionary<string, MapReport> maps) : OperandNames
{
    readonly Lazy<(ulong Base, Dictionary<ulong, string> Symbols)?> _kallsyms = new(ReadKallsyms);

    public override string? MapOperand(Instruction insn)
    {
        var text = base.MapOperand(insn);
        if (text is null || insn.Reference is not null) return text;
        var key = $"id:{(uint)insn.Constant}";
        return maps.TryGetValue(key, out var m) && m.Name.Length > 0 ? text.Replace($"[{key}]", $"[{key}:{m.Name}]", StringComparison.Ordinal) : text;
    }

    public override string? Helper(Instruction insn)
    {
        if (_kallsyms.Value is not { } k) return null;
        return k.Symbols.GetValueOrDefault(unchecked(k.Base + (ulong)(long)(int)insn.Constant));
    }

    static (ulong, Dictionary<ulong, string>)? ReadKallsyms()
    {
        try
        {
            ulong callBase = 0;
            var symbols = new Dictionary<ulong, string>();
            foreach (var line in File.ReadLines("/proc/kallsyms"))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length < 3 || !ulong.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var address) || address == 0) continue;
                if (parts[2] == "__bpf_call_base") callBase = address;
                symbols.TryAdd(address, parts[2]);
            }
            return callBase == 0 ? null : (callBase, symbols);
        }
        catch (IOException)
        {
            return null;
        }
    }
}

using Netfence.Bpf.Disassembly;

namespace Netfence.Inspect;

/// <summary>--diff A B: instruction counts per program and per source line in two builds.</summary>
public static class Diff
{
    public static DiffReport Compare(InspectedInput before, InspectedInput after)
    {
        var a = before.Programs.ToDictionary(p => p.Name);
        var b = after.Programs.ToDictionary(p => p.Name);
        var names = a.Keys.Union(b.Keys).Order(StringComparer.Ordinal);
        var programs = names.Select(n =>
        {
            var la = a.GetValueOrDefault(n);
            var lb = b.GetValueOrDefault(n);
            var ca = PerLine(la);
            var cb = PerLine(lb);
            var lines = ca.Keys.Union(cb.Keys).Order(StringComparer.Ordinal)
                .Select(k => new CountChange(k, ca.GetValueOrDefault(k), cb.GetValueOrDefault(k))).ToList();
            int sa = la?.SlotCount ?? 0, sb = lb?.SlotCount ?? 0;
            return new ProgramDiff(n, sa, sb, sb - sa, lines);
        }).ToList();
        return new DiffReport(before.Source, after.Source, programs);
    }

    /// <summary>Instruction slots per source line (<c>file:line  text</c>); code without line info counts under "(no line info)".</summary>
    static Dictionary<string, int> PerLine(ProgramListing? p)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (p is null) return counts;
        foreach (var e in p.Entries)
        {
            var key = e.Source is { } s ? $"{Path.GetFileName(s.File)}:{s.Line}  {s.Text.Trim()}" : "(no line info)";
            counts[key] = counts.GetValueOrDefault(key) + e.Instruction.Slots;
        }
        return counts;
    }

    public static void Write(Output o, DiffReport r)
    {
        o.Table($"instructions: {r.Before} -> {r.After}", ["program", "before", "after", "delta"],
            r.Programs.Select(p => (IReadOnlyList<string>)[p.Name, p.Before.ToString(), p.After.ToString(), Signed(p.Delta)]));
        foreach (var p in r.Programs)
        {
            var changed = p.Lines.Where(l => l.Delta != 0).ToList();
            if (changed.Count == 0) continue;
            o.Line();
            o.Table($"{p.Name}: lines whose cost changed", ["before", "after", "delta", "line"],
                changed.Select(l => (IReadOnlyList<string>)[l.Before.ToString(), l.After.ToString(), Signed(l.Delta), l.Key]));
        }
    }

    static string Signed(int v) => v > 0 ? $"+{v}" : v.ToString();
}

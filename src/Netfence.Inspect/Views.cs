using Netfence.Bpf.Disassembly;

namespace Netfence.Inspect;

/// <summary>The default view: summaries and disassembly of every program of an input.</summary>
public static class Views
{
    public static InspectReport Inspect(InspectedInput input, ListingFormat format, string? program)
    {
        var programs = Select(input, program);
        return new InspectReport(input.Source, input.Kind.ToString(), programs.Select(p => Summarize(input, p)).ToList(),
            programs.Select(p => Disassemble(input, p, format)).ToList());
    }

    /// <summary>The programs named by --program, or all of them.</summary>
    public static IReadOnlyList<ProgramListing> Select(InspectedInput input, string? program)
    {
        if (program is null) return input.Programs;
        var match = input.Programs.Where(p => p.Name == program).ToList();
        if (match.Count == 0)
            throw new InspectException($"{input.Source}: no program named '{program}' (programs: {string.Join(", ", input.Programs.Select(p => p.Name))})");
        return match;
    }

    public static ProgramSummary Summarize(InspectedInput input, ProgramListing p)
    {
        var helpers = p.HelperIds.Select(id => input.Names.Helper(new Bpf.Asm.Instruction(0x85, 0, 0, 0, id)) is { } n ? $"{n}#{id}" : $"#{id}").ToList();
        var mapKeys = p.MapReferences.Concat(p.MapIds.Select(id => $"id:{id}"));
        var maps = mapKeys.Select(k => input.Maps.TryGetValue(k, out var m) ? m : new MapReport(k, "unknown", 0, 0, 0, "", null)).ToList();
        return new ProgramSummary(p.Name, p.Section, p.Hook, p.Type.ToString(), p.AttachType?.ToString(), p.SlotCount, p.StackBytes, helpers, maps);
    }

    public static ProgramDisassembly Disassemble(InspectedInput input, ProgramListing p, ListingFormat format) =>
        new(p.Name, p.Section, format == ListingFormat.Llvm ? "llvm" : "verifier",
            p.Entries.Select(e => new InstructionReport(e.Slot, $"0x{e.Instruction.OpCode:x2}",
                ProgramListing.FormatInstruction(e.Instruction, format, input.Names),
                e.Source?.File, e.Source?.Line, e.StartsLine ? e.Source?.Text.Trim() : null)).ToList());

    public static void Write(Output o, InspectReport report, bool summaryOnly)
    {
        foreach (var (s, d) in report.Programs.Zip(report.Disassembly))
        {
            // The hook is shown where the section does not already say it: "section tc  hook tcx/ingress".
            o.Line($"program {s.Name}" + (s.Section is null ? "" : $"  section {s.Section}") + (s.Hook is null || s.Hook == s.Section ? "" : $"  hook {s.Hook}")
                   + $"  type {s.ProgramType}"
                   + (s.AttachType is null ? "" : $"  attach {s.AttachType}"), "bold");
            o.Line($"  instructions {s.Instructions}  stack {s.StackBytes} bytes");
            o.Line($"  helpers {(s.Helpers.Count == 0 ? "none" : string.Join(", ", s.Helpers))}");
            if (s.Maps.Count > 0)
                o.Table("  maps", ["name", "type", "key", "value", "max entries", "flags"],
                    s.Maps.Select(m => (IReadOnlyList<string>)[m.Name, m.Type, m.KeySize.ToString(), m.ValueSize.ToString(), m.MaxEntries.ToString(), m.Flags]));
            if (!summaryOnly)
            {
                o.Line();
                foreach (var i in d.Instructions)
                {
                    if (i.Source is not null) o.Line($"; {i.Source} @ {Path.GetFileName(i.File)}:{i.Line}", "green");
                    o.Line($"{i.Slot,4}: {i.Text}");
                }
            }
            o.Line();
        }
    }
}

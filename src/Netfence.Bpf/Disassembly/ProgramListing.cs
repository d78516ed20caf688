using System.Text;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Btf;
using Netfence.Bpf.Elf;
using Netfence.Bpf.Programs;

namespace Netfence.Bpf.Disassembly;

/// <summary>
/// A program's instructions ready to read: each at its slot with its source line, plus what the
/// code says about itself (helpers called, maps referenced, stack used). Built from an object's
/// program or from a live program's xlated instructions.
/// </summary>
public sealed class ProgramListing
{
    /// <summary>The largest stack frame the verifier allows, in bytes.</summary>
    public const int MaxStackBytes = 512;

    ProgramListing(string name, string? section, string? hook, ProgramType type, AttachType? attachType, List<ListingEntry> entries)
    {
        Name = name;
        Section = section;
        Hook = hook;
        Type = type;
        AttachType = attachType;
        Entries = entries;
    }

    public string Name { get; }

    /// <summary>The ELF section (null for a live program).</summary>
    public string? Section { get; }

    /// <summary>The hook the object tags the program with (e.g. <c>tcx/ingress</c> in section <c>tc</c>), if it says.</summary>
    public string? Hook { get; }

    public ProgramType Type { get; }
    public AttachType? AttachType { get; }
    public IReadOnlyList<ListingEntry> Entries { get; }

    /// <summary>Instruction slots, as the kernel counts insn_cnt (LD_IMM64 counts two).</summary>
    public int SlotCount => Entries.Count == 0 ? 0 : Entries[^1].Slot + Entries[^1].Instruction.Slots;

    /// <summary>The listing of an object's (linked) program.</summary>
    public static ProgramListing FromSpec(CollectionProgramSpec program) =>
        Create(program.Name, program.SectionName, program.Type, program.ExpectedAttachType, program.Instructions, program.LineInfo, program.Hook);

    /// <summary>A listing of <paramref name="instructions"/>; <paramref name="lineInfo"/> offsets are slots.</summary>
    public static ProgramListing Create(string name, string? section, ProgramType type, AttachType? attachType,
        IReadOnlyList<Instruction> instructions, IReadOnlyList<BtfLineInfo> lineInfo, string? hook = null)
    {
        var bySlot = new Dictionary<int, SourceLine>();
        // Line 0 marks compiler-made code with no source; its instructions stay with the line before.
        foreach (var li in lineInfo.Where(l => l.Line != 0))
            bySlot[(int)li.InstructionOffset] = new SourceLine(li.FileName, (int)li.Line, (int)li.Column, li.LineText);
        var entries = new List<ListingEntry>(instructions.Count);
        SourceLine? current = null;
        int slot = 0;
        foreach (var insn in instructions)
        {
            // A record that repeats the current line (another column of it) does not start a new one.
            bool starts = bySlot.TryGetValue(slot, out var line) && (current is null || current.File != line!.File || current.Line != line.Line);
            if (starts) current = line;
            entries.Add(new ListingEntry(slot, insn, current, starts));
            slot += insn.Slots;
        }
        return new ProgramListing(name, section, hook, type, attachType, entries);
    }

    /// <summary>Distinct helper ids called, in order of first call.</summary>
    public IReadOnlyList<int> HelperIds =>
        Entries.Select(e => e.Instruction)
            .Where(i => i.OpCode == (OpCodes.ClassJmp | OpCodes.Call) && (byte)i.Src == 0)
            .Select(i => (int)i.Constant).Distinct().ToList();

    /// <summary>Names of the maps and data sections the program loads (object listings), in order of first use.</summary>
    public IReadOnlyList<string> MapReferences =>
        Entries.Select(e => e.Instruction.Reference).OfType<string>().Distinct().ToList();

    /// <summary>Map ids the program loads (live listings, where the kernel put ids into the LD_IMM64s).</summary>
    public IReadOnlyList<uint> MapIds =>
        Entries.Select(e => e.Instruction)
            .Where(i => i.OpCode == OpCodes.LdImm64 && i.Reference is null && (byte)i.Src is OpCodes.PseudoMapFd or OpCodes.PseudoMapValue)
            .Select(i => (uint)i.Constant).Distinct().ToList();

    /// <summary>
    /// Stack bytes used: the deepest access below the frame pointer, whether through r10 itself
    /// or through a register that holds r10 plus a constant (how pointers to locals reach helpers).
    /// </summary>
    public int StackBytes
    {
        get
        {
            int deepest = 0;
            // Registers known to hold r10 + offset; reset at jump targets would be more precise,
            // but frames are laid out statically so any copy seen is a real frame address.
            var frame = new int?[11];
            frame[10] = 0;
            foreach (var e in Entries)
            {
                var i = e.Instruction;
                int cls = OpCodes.Class(i.OpCode);
                int dst = (int)i.Dst, src = (int)i.Src;
                if (dst > 10 || src > 10) continue;
                switch (cls)
                {
                    case OpCodes.ClassLdx when frame[src] is { } b:
                        Deepen(b + i.Offset);
                        break;
                    case OpCodes.ClassSt or OpCodes.ClassStx when frame[dst] is { } b:
                        Deepen(b + i.Offset);
                        break;
                }
                if (cls == OpCodes.ClassAlu64 && dst != 10)
                {
                    int aluOp = i.OpCode & 0xf0;
                    bool x = (i.OpCode & OpCodes.SrcX) != 0;
                    if (aluOp == OpCodes.Mov && x && i.Offset == 0) frame[dst] = frame[src];
                    else if (aluOp == OpCodes.Add && !x && frame[dst] is { } b) { frame[dst] = b + (int)i.Constant; Deepen(frame[dst]!.Value); }
                    else if (aluOp == OpCodes.Sub && !x && frame[dst] is { } c) { frame[dst] = c - (int)i.Constant; Deepen(frame[dst]!.Value); }
                    else frame[dst] = null;
                }
                else if (cls is OpCodes.ClassAlu or OpCodes.ClassLdx || i.OpCode == OpCodes.LdImm64)
                {
                    if (dst != 10) frame[dst] = null;
                }
                else if (i.OpCode == (OpCodes.ClassJmp | OpCodes.Call))
                {
                    for (int r = 0; r <= 5; r++) frame[r] = null;
                }
            }
            return Math.Min(deepest, MaxStackBytes);

            void Deepen(int offset)
            {
                if (offset < 0 && -offset > deepest) deepest = -offset;
            }
        }
    }

    /// <summary>The text of one instruction in <paramref name="format"/>.</summary>
    public static string FormatInstruction(Instruction insn, ListingFormat format, OperandNames? names = null) =>
        format == ListingFormat.Llvm ? LlvmSyntax.Format(insn) : VerifierSyntax.Format(insn, names);

    /// <summary>
    /// The whole listing as text: each source line (<c>; text @ file:line</c>) above the
    /// instructions it produced, each instruction as <c>slot: text</c>.
    /// </summary>
    public string ToText(ListingFormat format = ListingFormat.Verifier, OperandNames? names = null)
    {
        var sb = new StringBuilder();
        foreach (var e in Entries)
        {
            if (e.StartsLine && e.Source is { } s) sb.Append(s).Append('\n');
            sb.Append(e.Slot.ToString().PadLeft(4)).Append(": ").Append(FormatInstruction(e.Instruction, format, names)).Append('\n');
        }
        return sb.ToString();
    }
}

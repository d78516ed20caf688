using System.Buffers.Binary;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Btf;

namespace Netfence.Bpf.Elf;

/// <summary>
/// Builds one program's instruction stream: its own function first, then every function it
/// reaches through BPF-to-BPF calls (from <c>.text</c> or its own section), each copied once,
/// with call offsets recomputed for the new layout and func_info/line_info moved along.
/// </summary>
internal sealed class ProgramLinker(ObjectParser obj)
{
    const byte OpCall = OpCodes.ClassJmp | OpCodes.Call;
    const byte PseudoKfuncCall = 2;

    readonly List<byte> _output = [];
    readonly Dictionary<(int Section, int Start), int> _placed = [];
    readonly Queue<ObjectParser.Function> _pending = new();
    readonly Dictionary<int, (string Name, byte Src, uint Offset)> _references = [];
    readonly List<BtfFuncInfo> _funcInfo = [];
    readonly List<BtfLineInfo> _lineInfo = [];

    public sealed record Result(List<Instruction> Instructions, List<BtfFuncInfo> FuncInfo, List<BtfLineInfo> LineInfo);

    public Result Link(ObjectParser.Function main)
    {
        Place(main);
        while (_pending.Count > 0) Relocate(_pending.Dequeue());

        var instructions = InstructionStream.Decode(_output.ToArray());
        int slot = 0;
        for (int i = 0; i < instructions.Count; i++)
        {
            if (_references.TryGetValue(slot, out var r))
                instructions[i] = instructions[i] with { Src = (Register)r.Src, Constant = (long)r.Offset << 32, Reference = r.Name };
            slot += instructions[i].Slots;
        }
        return new Result(instructions, _funcInfo, _lineInfo);
    }

    int Place(ObjectParser.Function f)
    {
        if (_placed.TryGetValue((f.Section, f.Start), out var existing)) return existing;
        int outStart = _output.Count / 8;
        _placed[(f.Section, f.Start)] = outStart;
        _output.AddRange(obj.Code(f.Section).AsSpan(f.Start * 8, f.Length * 8).ToArray());
        _pending.Enqueue(f);

        // .BTF.ext offsets are bytes within the ELF section; the kernel wants slots in the program.
        var name = obj.SectionName(f.Section);
        if (obj.Ext is { } ext)
        {
            if (ext.FuncInfo.TryGetValue(name, out var funcs))
                foreach (var fi in funcs.Where(fi => InRange(fi.InstructionOffset, f)))
                    _funcInfo.Add(fi with { InstructionOffset = (uint)(outStart + fi.InstructionOffset / 8 - f.Start) });
            if (ext.LineInfo.TryGetValue(name, out var lines))
                foreach (var li in lines.Where(li => InRange(li.InstructionOffset, f)))
                    _lineInfo.Add(li with { InstructionOffset = (uint)(outStart + li.InstructionOffset / 8 - f.Start) });
        }
        return outStart;
    }

    static bool InRange(uint byteOffset, ObjectParser.Function f) => byteOffset / 8 >= f.Start && byteOffset / 8 < f.Start + f.Length;

    void Relocate(ObjectParser.Function f)
    {
        var code = obj.Code(f.Section);
        int outStart = _placed[(f.Section, f.Start)];
        string where(int slot) => $"'{f.Symbol.Name}' (section '{obj.SectionName(f.Section)}', instruction {slot})";
        for (int slot = f.Start; slot < f.Start + f.Length; slot++)
        {
            byte op = code[slot * 8];
            byte src = (byte)(code[slot * 8 + 1] >> 4);
            int imm = BinaryPrimitives.ReadInt32LittleEndian(code.AsSpan(slot * 8 + 4));
            int outSlot = outStart + slot - f.Start;
            bool hasReloc = obj.TryGetRelocation(f.Section, slot, out var reloc);

            if (op == OpCodes.LdImm64)
            {
                if (slot + 1 >= f.Start + f.Length) throw obj.Fail($"LD_IMM64 at the end of {where(slot)} has no second slot");
                if (hasReloc) ResolveLoad(reloc, imm, outSlot, where(slot));
                slot++;
                continue;
            }
            if (op == OpCall && src == OpCodes.PseudoCall)
            {
                int targetSection, targetSlot;
                if (hasReloc)
                {
                    if (reloc.Type != ObjectParser.Relocation32)
                        throw obj.Fail($"call in {where(slot)} has relocation type {reloc.Type}, expected R_BPF_64_32 ({ObjectParser.Relocation32})");
                    var sym = obj.Symbol(reloc.Symbol);
                    targetSection = sym.PointedSectionIndex;
                    if (!obj.IsCode(targetSection)) throw obj.Fail($"call in {where(slot)} targets '{sym.Name}', which is not in a code section");
                    // Calls to a function symbol carry imm -1; calls through a section symbol carry the offset.
                    targetSlot = (int)(sym.Value / 8) + imm + 1;
                }
                else
                {
                    targetSection = f.Section;
                    targetSlot = slot + imm + 1;
                }
                if (targetSection == f.Section && targetSlot >= f.Start && targetSlot < f.Start + f.Length) continue;
                var callee = obj.Functions(targetSection).FirstOrDefault(c => targetSlot >= c.Start && targetSlot < c.Start + c.Length)
                             ?? throw obj.Fail($"call in {where(slot)} targets instruction {targetSlot} of '{obj.SectionName(targetSection)}', which is in no function");
                int targetOut = Place(callee) + (targetSlot - callee.Start);
                WriteImm(outSlot, targetOut - outSlot - 1);
                continue;
            }
            if (op == OpCall && src == PseudoKfuncCall) throw obj.Fail($"kfunc call in {where(slot)} is not supported");
            if (hasReloc) throw obj.Fail($"unexpected relocation (type {reloc.Type}, symbol '{obj.Symbol(reloc.Symbol).Name}') on instruction {where(slot)} (opcode 0x{op:x2})");
        }
    }

    void ResolveLoad((int Symbol, uint Type) reloc, int imm, int outSlot, string where)
    {
        if (reloc.Type != ObjectParser.Relocation64)
            throw obj.Fail($"LD_IMM64 in {where} has relocation type {reloc.Type}, expected R_BPF_64_64 ({ObjectParser.Relocation64})");
        var sym = obj.Symbol(reloc.Symbol);
        int section = sym.PointedSectionIndex;
        if (obj.IsMapsSection(section))
        {
            if (!obj.HasMap(sym.Name)) throw obj.Fail($"{where} references '{sym.Name}' in .maps, which BTF does not describe");
            _references[outSlot] = (sym.Name, OpCodes.PseudoMapFd, 0);
        }
        else if (obj.TryGetDataSection(section, out var data))
        {
            // Named variables carry their offset in the symbol; section symbols in the immediate.
            _references[outSlot] = (data, OpCodes.PseudoMapValue, (uint)((long)sym.Value + imm));
        }
        else if (obj.IsCode(section))
        {
            throw obj.Fail($"{where} takes the address of function '{sym.Name}' (callbacks are not supported)");
        }
        else
        {
            var name = string.IsNullOrEmpty(sym.Name) ? obj.SectionName(section) : sym.Name;
            throw obj.Fail($"{where} references '{name}', which is neither a map in .maps nor a .rodata/.data/.bss variable");
        }
    }

    void WriteImm(int slot, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        for (int i = 0; i < 4; i++) _output[slot * 8 + 4 + i] = b[i];
    }
}

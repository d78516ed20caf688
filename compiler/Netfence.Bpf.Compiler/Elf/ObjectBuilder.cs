using Netfence.Bpf.Asm;
using Netfence.Bpf.Btf;
using Netfence.Bpf.Compiler.Backend;
using Netfence.Bpf.Compiler.Btf;
using Netfence.Bpf.Compiler.Frontend;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Elf;

/// <summary>
/// Lays out the whole object: one code section per hook section name (several programs in one section are several
/// FUNC symbols), global functions in .text, .maps, .rodata, license, .BTF and .BTF.ext (func_info and line_info with
/// the C# source lines), R_BPF_64_64 relocations for every LD_IMM64 that names a map or a configuration variable and
/// R_BPF_64_32 for every call of a global function.
/// </summary>
internal sealed class ObjectBuilder(SourceText sources)
{
    const uint RBpf64_64 = 1;
    const uint RBpf64_32 = 10;
    const byte LdImm64 = Asm.OpCodes.LdImm64;

    static uint AddProgram(ObjectBtfBuilder btf, ProgramDeclaration program)
    {
        var (structName, size) = SdkMetadata.ContextStruct(program.ContextType);
        return btf.AddProgram(program.Name, program.Hook, structName, size);
    }

    public byte[] Build(IReadOnlyList<(ProgramDeclaration Program, MachineFunction Code)> programs,
        IReadOnlyList<(GlobalFunctionDeclaration Function, MachineFunction Code)> functions,
        IReadOnlyList<MapDeclaration> maps, IReadOnlyList<ConfigVariable> config, string license)
    {
        var elf = new ElfWriter();
        var btf = new ObjectBtfBuilder();
        var ext = new BtfExtInfo();
        var symbols = new Dictionary<string, int>(StringComparer.Ordinal);
        var pendingRelocations = new List<(int Section, ulong Offset, string Symbol, uint Type)>();

        var sections = programs.GroupBy(p => p.Program.Section)
            .Select(g => (Name: g.Key, Functions: g.Select(p => (p.Program.Name, p.Code, AddProgram(btf, p.Program))).ToList())).ToList();
        // Global functions live in .text, which the loader links into every program that calls them.
        if (functions.Count > 0)
            sections.Add((".text", functions.Select(f => (f.Function.Name, f.Code, btf.AddFunction(f.Function))).ToList()));

        foreach (var (sectionName, members) in sections)
        {
            var code = new List<byte>();
            var placed = new List<(string Name, int Offset, int Size)>();
            var funcInfo = ext.FuncInfo[sectionName] = [];
            var lineInfo = ext.LineInfo[sectionName] = [];
            foreach (var (name, machine, btfFunc) in members)
            {
                int start = code.Count;
                funcInfo.Add(new BtfFuncInfo((uint)start, btfFunc));
                SourcePosition? last = null;
                int offset = start;
                for (int k = 0; k < machine.Instructions.Count; k++)
                {
                    var insn = machine.Instructions[k];
                    var position = machine.Positions[k] ?? last;
                    // The kernel wants a line_info record at each function's first instruction.
                    if (position is not null && (k == 0 || position != last))
                        lineInfo.Add(new BtfLineInfo((uint)offset, position.File, sources.Line(position.File, position.Line), (uint)position.Line, (uint)position.Column));
                    last = position;
                    if (insn.Reference is not null)
                        pendingRelocations.Add((-1, (ulong)offset, insn.Reference, insn.OpCode == LdImm64 ? RBpf64_64 : RBpf64_32));
                    var bytes = new byte[insn.Slots * 8];
                    (insn with { Reference = null }).Encode(bytes);
                    code.AddRange(bytes);
                    offset += bytes.Length;
                }
                placed.Add((name, start, code.Count - start));
            }
            int index = elf.AddSection(sectionName, ElfWriter.ShtProgBits, ElfWriter.ShfAlloc | ElfWriter.ShfExecInstr, code.ToArray(), 8);
            for (int k = 0; k < pendingRelocations.Count; k++)
                if (pendingRelocations[k].Section == -1) pendingRelocations[k] = pendingRelocations[k] with { Section = index };
            foreach (var f in placed) symbols[f.Name] = elf.AddGlobal(f.Name, ElfWriter.SttFunc, index, (ulong)f.Offset, (ulong)f.Size);
        }

        int mapsSize = btf.AddMaps(maps, out var mapLayout);
        if (maps.Count > 0)
        {
            int index = elf.AddSection(".maps", ElfWriter.ShtProgBits, ElfWriter.ShfAlloc | ElfWriter.ShfWrite, new byte[mapsSize], 8);
            foreach (var map in maps)
                symbols[map.Name] = elf.AddGlobal(map.Name, ElfWriter.SttObject, index, (ulong)mapLayout[map.Name].Offset, (ulong)mapLayout[map.Name].Size);
        }

        if (config.Count > 0)
        {
            int size = 0;
            foreach (var c in config)
            {
                size = (size + c.Size - 1) / c.Size * c.Size;
                c.Offset = size;
                size += c.Size;
            }
            var data = new byte[size];
            foreach (var c in config) c.InitialValue.CopyTo(data, c.Offset);
            btf.AddRodata(config, size);
            int index = elf.AddSection(".rodata", ElfWriter.ShtProgBits, ElfWriter.ShfAlloc, data, 8);
            foreach (var c in config) symbols[c.Name] = elf.AddGlobal(c.Name, ElfWriter.SttObject, index, (ulong)c.Offset, (ulong)c.Size);
        }

        var licenseBytes = System.Text.Encoding.ASCII.GetBytes(license + "\0");
        int licenseIndex = elf.AddSection("license", ElfWriter.ShtProgBits, ElfWriter.ShfAlloc | ElfWriter.ShfWrite, licenseBytes, 1);
        elf.AddGlobal("_license", ElfWriter.SttObject, licenseIndex, 0, (ulong)licenseBytes.Length);

        var strings = new BtfStringTable();
        var extBytes = BtfExtWriter.Write(ext, strings);
        var btfBytes = BtfWriter.Write(btf.Spec, strings);
        elf.AddSection(".BTF", ElfWriter.ShtProgBits, 0, btfBytes, 4);
        elf.AddSection(".BTF.ext", ElfWriter.ShtProgBits, 0, extBytes, 4);

        foreach (var bySection in pendingRelocations.GroupBy(r => r.Section))
        {
            var entries = bySection.Select(r => (r.Offset, symbols.TryGetValue(r.Symbol, out var s)
                ? s : throw new InvalidOperationException($"relocation against unknown symbol '{r.Symbol}'"), r.Type)).ToList();
            elf.AddRelocations(bySection.Key, entries);
        }
        return elf.Write();
    }
}

using System.Buffers.Binary;
using System.Text;
using ELFSharp.ELF;
using ELFSharp.ELF.Sections;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Btf;
using Netfence.Bpf.Maps;

namespace Netfence.Bpf.Elf;

/// <summary>
/// One pass over one object: sections, symbols, BTF, maps, data, relocations, then a link step
/// per program that appends the <c>.text</c> subprograms it calls.
/// </summary>
internal sealed class ObjectParser(string file, byte[] bytes, IELF elf)
{
    const uint ShfExecInstr = 4, ShfAlloc = 2;
    const uint RBpf64_64 = 1, RBpf64_32 = 10;
    const string MapsSection = ".maps";

    readonly List<Section<ulong>> _sections = [];
    readonly List<SymbolEntry<ulong>> _symbols = [];
    readonly Dictionary<int, byte[]> _code = [];
    readonly Dictionary<int, Dictionary<int, (int Symbol, uint Type)>> _relocations = [];
    readonly Dictionary<string, CollectionMapSpec> _maps = new(StringComparer.Ordinal);
    readonly Dictionary<string, DataVariable> _variables = new(StringComparer.Ordinal);
    readonly Dictionary<int, string> _dataSections = [];
    BtfSpec? _btf;
    BtfExtInfo? _ext;
    int _mapsSectionIndex = -1;
    string _license = "";

    BpfObjectException Error(string problem) => new(file, problem);

    public CollectionSpec Parse()
    {
        foreach (var s in elf.Sections)
        {
            if (s is not Section<ulong> s64) throw Error($"section '{s.Name}' is not a 64-bit section");
            _sections.Add(s64);
        }
        var shnum = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(60));
        if (_sections.Count != shnum) throw Error($"the header announces {shnum} sections but {_sections.Count} could be read");

        var symtabs = _sections.OfType<SymbolTable<ulong>>().ToList();
        if (symtabs.Count != 1) throw Error($"expected one symbol table, found {symtabs.Count} (was the object stripped?)");
        _symbols.AddRange(symtabs[0].Entries);

        ReadLicense();
        ReadBtf();
        ReadDataSections();
        ReadMaps();
        ReadCode();
        ReadRelocations();
        var programs = ReadPrograms();
        if (_btf is not null) FixDataSectionBtf(_btf);
        return new CollectionSpec(file, programs, _maps, _variables, _btf, _license);
    }

    /// <summary>sh_info of section <paramref name="index"/> (for REL: the section it relocates), read from the header table.</summary>
    int SectionInfo(int index)
    {
        var shoff = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40));
        return (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)shoff + index * 64 + 44));
    }

    int IndexOf(Section<ulong> s) => _sections.IndexOf(s);

    byte[] Contents(Section<ulong> s)
    {
        if (s.Type == SectionType.NoBits) return new byte[checked((int)s.Size)];
        if (s.Offset + s.Size > (ulong)bytes.Length)
            throw Error($"section '{s.Name}' [{s.Offset}, {s.Offset + s.Size}) runs past the end of the {bytes.Length}-byte file (truncated?)");
        return bytes.AsSpan((int)s.Offset, (int)s.Size).ToArray();
    }

    Section<ulong>? Find(string name) => _sections.FirstOrDefault(s => s.Name == name);

    void ReadLicense()
    {
        if (Find("license") is not { } s) return;
        var c = Contents(s);
        int end = Array.IndexOf(c, (byte)0);
        _license = Encoding.ASCII.GetString(c, 0, end < 0 ? c.Length : end);
    }

    void ReadBtf()
    {
        if (Find(".BTF") is not { } btf) return;
        _btf = BtfReader.Read(Contents(btf), out var strings);
        if (Find(".BTF.ext") is { } ext)
        {
            _ext = BtfExtReader.Read(Contents(ext), strings);
        }
    }

    static bool IsDataSectionName(string n) =>
        n is ".rodata" or ".data" or ".bss" || n.StartsWith(".rodata.", StringComparison.Ordinal)
        || n.StartsWith(".data.", StringComparison.Ordinal) || n.StartsWith(".bss.", StringComparison.Ordinal);

    void ReadDataSections()
    {
        for (int i = 0; i < _sections.Count; i++)
        {
            var s = _sections[i];
            if (!IsDataSectionName(s.Name) || (s.RawFlags & ShfAlloc) == 0) continue;
            if (s.Size == 0) continue;
            if (s.Size > int.MaxValue) throw Error($"data section '{s.Name}' is {s.Size} bytes, too large for a map value");
            bool rodata = s.Name.StartsWith(".rodata", StringComparison.Ordinal);
            var spec = new MapSpec
            {
                Name = s.Name,
                Type = MapType.Array,
                KeySize = 4,
                ValueSize = (uint)s.Size,
                MaxEntries = 1,
                Flags = rodata ? MapFlags.RdonlyProg : MapFlags.None,
            };
            // As libbpf does, a data section's map is typed by its DATASEC (no key type), when the BTF has one.
            uint datasec = _btf is not null && _btf.TryFind<BtfDatasec>(s.Name, out var id, out _) ? id : 0;
            _maps[s.Name] = new CollectionMapSpec(spec, MapPinning.None, Contents(s), rodata, s.Name) { BtfValueType = datasec };
            _dataSections[i] = s.Name;
        }
        foreach (var sym in _symbols)
        {
            if (sym.Type != SymbolType.Object || string.IsNullOrEmpty(sym.Name) || sym.Size == 0) continue;
            if (!_dataSections.TryGetValue(sym.PointedSectionIndex, out var section)) continue;
            var size = _maps[section].Spec.ValueSize;
            if (sym.Value + sym.Size > size)
                throw Error($"variable '{sym.Name}' [{sym.Value}, {sym.Value + sym.Size}) lies outside its {size}-byte section '{section}'");
            if (!_variables.TryAdd(sym.Name, new DataVariable(sym.Name, section, (int)sym.Value, (int)sym.Size)))
                throw Error($"two global variables are named '{sym.Name}'; rename one so constants can be addressed by name");
        }
    }

    void ReadMaps()
    {
        if (Find("maps") is not null)
            throw Error("legacy 'maps' section (struct bpf_map_def) is not supported; declare maps in SEC(\".maps\") with __uint/__type");
        if (Find(MapsSection) is not { } mapsSection) return;
        _mapsSectionIndex = IndexOf(mapsSection);
        if (_btf is null) throw Error("BTF-defined maps in '.maps' need the object's .BTF section: compile with -g");
        if (!_btf.TryFind<BtfDatasec>(MapsSection, out _, out var datasec))
            throw Error("the .BTF section has no DATASEC '.maps' describing the maps");
        foreach (var v in datasec.Variables)
        {
            if (_btf[v.Type] is not BtfVar var) throw Error($"DATASEC '.maps' entry {v.Type} is not a VAR");
            var spec = MapDefinition.Parse(_btf, var, file);
            _maps[spec.Name] = spec;
        }
    }

    void ReadCode()
    {
        for (int i = 0; i < _sections.Count; i++)
        {
            var s = _sections[i];
            if (s.Type != SectionType.ProgBits || (s.RawFlags & ShfExecInstr) == 0 || s.Size == 0) continue;
            if (s.Size % 8 != 0) throw Error($"code section '{s.Name}' is {s.Size} bytes, not a whole number of 8-byte instructions");
            _code[i] = Contents(s);
        }
    }

    void ReadRelocations()
    {
        for (int i = 0; i < _sections.Count; i++)
        {
            var s = _sections[i];
            if (s.Type == SectionType.RelocationAddends && _code.ContainsKey(SectionInfo(i)))
                throw Error($"section '{s.Name}' has RELA relocations; eBPF objects use REL");
            if (s.Type != SectionType.Relocation) continue;
            int target = SectionInfo(i);
            if (!_code.ContainsKey(target)) continue; // debug info relocations do not concern the loader
            var raw = Contents(s);
            if (raw.Length % 16 != 0) throw Error($"relocation section '{s.Name}' is {raw.Length} bytes, not a multiple of 16");
            var map = _relocations[target] = [];
            for (int off = 0; off < raw.Length; off += 16)
            {
                var rOffset = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(off));
                var rInfo = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(off + 8));
                int sym = (int)(rInfo >> 32);
                uint type = (uint)rInfo;
                if (rOffset % 8 != 0 || rOffset >= (ulong)_code[target].Length)
                    throw Error($"relocation {off / 16} in '{s.Name}' points at offset {rOffset}, outside the instructions of '{_sections[target].Name}'");
                if (sym <= 0 || sym >= _symbols.Count)
                    throw Error($"relocation {off / 16} in '{s.Name}' names symbol {sym}, but the symbol table has {_symbols.Count} entries");
                map[(int)(rOffset / 8)] = (sym, type);
            }
        }
    }

    Dictionary<string, CollectionProgramSpec> ReadPrograms()
    {
        var programs = new Dictionary<string, CollectionProgramSpec>(StringComparer.Ordinal);
        foreach (var (index, _) in _code.OrderBy(kv => kv.Key))
        {
            var section = _sections[index];
            if (section.Name == ".text") continue;
            if (!ProgramSections.TryResolve(section.Name, out var convention))
                throw Error($"section '{section.Name}' holds code but its name is not a known program type (known: {string.Join(", ", ProgramSections.Known.Select(k => k.Section))})");
            var entries = Functions(index).Where(f => f.Symbol.Binding is SymbolBinding.Global or SymbolBinding.Weak).ToList();
            if (entries.Count == 0) throw Error($"section '{section.Name}' holds code but no global function");
            foreach (var f in entries)
            {
                var (hook, attachType) = ReadHook(f.Symbol.Name, section.Name, convention);
                var linked = new ProgramLinker(this).Link(f);
                programs.Add(f.Symbol.Name, new CollectionProgramSpec
                {
                    Name = f.Symbol.Name,
                    SectionName = section.Name,
                    Type = convention.Type,
                    Hook = hook,
                    ExpectedAttachType = attachType,
                    Instructions = linked.Instructions,
                    License = _license,
                    FuncInfo = linked.FuncInfo,
                    LineInfo = linked.LineInfo,
                });
            }
        }
        return programs;
    }

    /// <summary>
    /// The program's hook tag (see <see cref="HookTag"/>) and the expected attach type it implies; without a tag the
    /// section says both. A tag naming another program type than the section is a broken object, not a hint to ignore.
    /// </summary>
    (string? Hook, Programs.AttachType? AttachType) ReadHook(string function, string section, ProgramSections.Convention convention)
    {
        var hooks = _btf is null ? [] : HookTag.Read(_btf, function);
        if (hooks.Count == 0) return (null, convention.AttachType);
        if (hooks.Count > 1) throw Error($"program '{function}' carries {hooks.Count} hook tags ({string.Join(", ", hooks)}); it can run at one hook only");
        var hook = hooks[0];
        if (!ProgramSections.TryResolve(hook, out var tagged))
            throw Error($"program '{function}' is tagged for hook '{hook}', which is not a known hook (known: {string.Join(", ", ProgramSections.Known.Select(k => k.Section))})");
        if (tagged.Type != convention.Type)
            throw Error($"program '{function}' is tagged for hook '{hook}' ({tagged.Type} programs) but lives in section '{section}' ({convention.Type} programs)");
        return (hook, tagged.AttachType);
    }

    internal sealed record Function(SymbolEntry<ulong> Symbol, int Section, int Start, int Length);

    /// <summary>The FUNC symbols of a code section, with their slot ranges.</summary>
    internal List<Function> Functions(int section)
    {
        var result = new List<Function>();
        foreach (var sym in _symbols)
        {
            if (sym.Type != SymbolType.Function || sym.PointedSectionIndex != section) continue;
            if (sym.Size == 0 || sym.Value % 8 != 0 || sym.Size % 8 != 0 || sym.Value + sym.Size > (ulong)_code[section].Length)
                throw Error($"function '{sym.Name}' in '{_sections[section].Name}' has an invalid range [{sym.Value}, {sym.Value + sym.Size})");
            result.Add(new Function(sym, section, (int)(sym.Value / 8), (int)(sym.Size / 8)));
        }
        return result;
    }

    /// <summary>Patches DATASEC sizes and variable offsets, which clang leaves as 0 and the kernel requires.</summary>
    void FixDataSectionBtf(BtfSpec btf)
    {
        for (uint id = 1; id <= btf.Types.Count; id++)
        {
            if (btf[id] is not BtfDatasec ds) continue;
            var section = Find(ds.Name) ?? throw Error($"BTF describes data section '{ds.Name}' but the object has no such section (extern variables are not supported)");
            var vars = new List<BtfVarSecInfo>(ds.Variables.Count);
            foreach (var v in ds.Variables)
            {
                if (btf[v.Type] is not BtfVar var) throw Error($"DATASEC '{ds.Name}' lists type {v.Type}, which is not a VAR");
                var sym = _symbols.FirstOrDefault(s => s.Name == var.Name && s.PointedSectionIndex == IndexOf(section))
                          ?? throw Error($"BTF variable '{var.Name}' of '{ds.Name}' has no symbol in that section");
                vars.Add(v with { Offset = (uint)sym.Value });
            }
            vars.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            btf.Replace(id, ds with { Size = (uint)section.Size, Variables = vars });
        }
    }

    // Accessors for the linker.
    internal byte[] Code(int section) => _code[section];
    internal string SectionName(int section) => _sections[section].Name;
    internal SymbolEntry<ulong> Symbol(int index) => _symbols[index];
    internal bool TryGetRelocation(int section, int slot, out (int Symbol, uint Type) r)
    {
        r = default;
        return _relocations.TryGetValue(section, out var m) && m.TryGetValue(slot, out r);
    }
    internal bool IsCode(int section) => _code.ContainsKey(section);
    internal bool IsMapsSection(int section) => section == _mapsSectionIndex;
    internal bool TryGetDataSection(int section, out string name) => _dataSections.TryGetValue(section, out name!);
    internal bool HasMap(string name) => _maps.ContainsKey(name);
    internal BtfExtInfo? Ext => _ext;
    internal BpfObjectException Fail(string problem) => Error(problem);
    internal const uint Relocation64 = RBpf64_64, Relocation32 = RBpf64_32;
}

using System.Buffers.Binary;
using System.Text;

namespace Netfence.Bpf.Compiler.Elf;

/// <summary>
/// Writes a 64-bit little-endian relocatable ELF file for EM_BPF: the section header table, one string table for
/// section and symbol names, and a symbol table. Only what clang-style BPF objects contain.
/// </summary>
internal sealed class ElfWriter
{
    const ushort EmBpf = 247;
    const ushort EtRel = 1;
    public const uint ShtProgBits = 1, ShtSymTab = 2, ShtStrTab = 3, ShtRel = 9;
    public const ulong ShfWrite = 1, ShfAlloc = 2, ShfExecInstr = 4, ShfInfoLink = 0x40;
    public const byte SttObject = 1, SttFunc = 2, StbGlobal = 1;

    sealed record Section(string Name, uint Type, ulong Flags, byte[] Data, ulong Align, ulong EntrySize)
    {
        public uint Link { get; set; }

        public uint Info { get; set; }
    }

    sealed record Symbol(string Name, byte Info, int Section, ulong Value, ulong Size);

    readonly List<Section> _sections = [new("", 0, 0, [], 0, 0)];
    readonly List<Symbol> _symbols = [new("", 0, 0, 0, 0)];
    readonly List<(int Section, List<(ulong Offset, int Symbol, uint Type)> Entries)> _relocations = [];

    /// <summary>Adds a section; returns its index.</summary>
    public int AddSection(string name, uint type, ulong flags, byte[] data, ulong align)
    {
        _sections.Add(new Section(name, type, flags, data, align, 0));
        return _sections.Count - 1;
    }

    /// <summary>Adds a global symbol; returns its index.</summary>
    public int AddGlobal(string name, byte type, int section, ulong value, ulong size)
    {
        _symbols.Add(new Symbol(name, (byte)((StbGlobal << 4) | type), section, value, size));
        return _symbols.Count - 1;
    }

    /// <summary>Adds a .rel section for <paramref name="section"/> (written after all sections are known).</summary>
    public void AddRelocations(int section, List<(ulong Offset, int Symbol, uint Type)> entries)
    {
        if (entries.Count > 0) _relocations.Add((section, entries));
    }

    public byte[] Write()
    {
        // Relocation sections, then symbol and string tables, come last, as clang orders them.
        var strtab = new MemoryStream();
        strtab.WriteByte(0);
        var names = new Dictionary<string, uint>(StringComparer.Ordinal) { [""] = 0 };
        uint Name(string s)
        {
            if (names.TryGetValue(s, out var o)) return o;
            o = (uint)strtab.Length;
            var bytes = Encoding.UTF8.GetBytes(s);
            strtab.Write(bytes);
            strtab.WriteByte(0);
            names[s] = o;
            return o;
        }

        int symtabIndex = _sections.Count + _relocations.Count;
        foreach (var (section, entries) in _relocations)
        {
            var data = new byte[entries.Count * 16];
            for (int k = 0; k < entries.Count; k++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(k * 16), entries[k].Offset);
                BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(k * 16 + 8), ((ulong)entries[k].Symbol << 32) | entries[k].Type);
            }
            _sections.Add(new Section(".rel" + _sections[section].Name, ShtRel, ShfInfoLink, data, 8, 16) { Link = (uint)symtabIndex, Info = (uint)section });
        }

        var symtab = new byte[_symbols.Count * 24];
        for (int k = 0; k < _symbols.Count; k++)
        {
            var s = _symbols[k];
            var span = symtab.AsSpan(k * 24);
            BinaryPrimitives.WriteUInt32LittleEndian(span, Name(s.Name));
            span[4] = s.Info;
            span[5] = 0;
            BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)s.Section);
            BinaryPrimitives.WriteUInt64LittleEndian(span[8..], s.Value);
            BinaryPrimitives.WriteUInt64LittleEndian(span[16..], s.Size);
        }
        int strtabIndex = symtabIndex + 1;
        // sh_info of a symbol table is the index of its first non-local symbol: all but the null symbol are global.
        _sections.Add(new Section(".symtab", ShtSymTab, 0, symtab, 8, 24) { Link = (uint)strtabIndex, Info = 1 });
        foreach (var s in _sections) Name(s.Name);
        _sections.Add(new Section(".strtab", ShtStrTab, 0, [], 1, 0));
        Name(".strtab");
        var strtabBytes = strtab.ToArray();

        var file = new MemoryStream();
        file.Write(new byte[64]);
        var offsets = new ulong[_sections.Count];
        for (int k = 1; k < _sections.Count; k++)
        {
            var data = k == strtabIndex ? strtabBytes : _sections[k].Data;
            ulong align = Math.Max(_sections[k].Align, 1);
            while ((ulong)file.Length % align != 0) file.WriteByte(0);
            offsets[k] = (ulong)file.Length;
            file.Write(data);
        }
        while (file.Length % 8 != 0) file.WriteByte(0);
        ulong shoff = (ulong)file.Length;
        var header = new byte[64];
        for (int k = 0; k < _sections.Count; k++)
        {
            var s = _sections[k];
            var data = k == strtabIndex ? strtabBytes : s.Data;
            Array.Clear(header);
            var h = header.AsSpan();
            if (k > 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(h, names[s.Name]);
                BinaryPrimitives.WriteUInt32LittleEndian(h[4..], s.Type);
                BinaryPrimitives.WriteUInt64LittleEndian(h[8..], s.Flags);
                BinaryPrimitives.WriteUInt64LittleEndian(h[24..], offsets[k]);
                BinaryPrimitives.WriteUInt64LittleEndian(h[32..], (ulong)data.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(h[40..], s.Link);
                BinaryPrimitives.WriteUInt32LittleEndian(h[44..], s.Info);
                BinaryPrimitives.WriteUInt64LittleEndian(h[48..], s.Align);
                BinaryPrimitives.WriteUInt64LittleEndian(h[56..], s.EntrySize);
            }
            file.Write(header);
        }
        var bytes = file.ToArray();
        var e = bytes.AsSpan();
        e[0] = 0x7f;
        e[1] = (byte)'E';
        e[2] = (byte)'L';
        e[3] = (byte)'F';
        e[4] = 2; // ELFCLASS64
        e[5] = 1; // little-endian
        e[6] = 1; // EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(e[16..], EtRel);
        BinaryPrimitives.WriteUInt16LittleEndian(e[18..], EmBpf);
        BinaryPrimitives.WriteUInt32LittleEndian(e[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(e[40..], shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(e[52..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(e[58..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(e[60..], (ushort)_sections.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(e[62..], (ushort)strtabIndex);
        return bytes;
    }
}

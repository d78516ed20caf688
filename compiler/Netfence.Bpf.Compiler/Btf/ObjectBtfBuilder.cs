using Netfence.Bpf.Btf;
using Netfence.Bpf.Compiler.Frontend;
using Netfence.Bpf.Elf;

namespace Netfence.Bpf.Compiler.Btf;

/// <summary>
/// The object's BTF: map definitions the way libbpf's __uint/__type macros encode them (a pointer to an array whose
/// element count is the number), the .maps and .rodata DATASECs, and a FUNC/FUNC_PROTO per program for func_info.
/// </summary>
internal sealed class ObjectBtfBuilder
{
    readonly BtfSpec _spec = new();
    readonly Dictionary<uint, uint> _uintTypes = [];
    readonly Dictionary<(int, bool), uint> _intTypes = [];
    uint _int;
    uint _proto;

    public BtfSpec Spec => _spec;

    public ObjectBtfBuilder()
    {
        _int = _spec.Add(new BtfInt("int", 4, BtfIntEncoding.Signed, 0, 32));
    }

    /// <summary>__uint(name, value): <c>int (*name)[value]</c>.</summary>
    uint UintMember(uint value)
    {
        if (_uintTypes.TryGetValue(value, out var id)) return id;
        var array = _spec.Add(new BtfArray(_int, _int, value));
        return _uintTypes[value] = _spec.Add(new BtfPointer(array));
    }

    uint Integer(int size, bool signed)
    {
        if (_intTypes.TryGetValue((size, signed), out var id)) return id;
        var name = (size, signed) switch
        {
            (1, false) => "unsigned char",
            (1, true) => "signed char",
            (2, false) => "unsigned short",
            (2, true) => "short",
            (4, false) => "unsigned int",
            (4, true) => "int",
            (8, false) => "unsigned long long",
            _ => "long long",
        };
        return _intTypes[(size, signed)] = _spec.Add(new BtfInt(name, (uint)size, signed ? BtfIntEncoding.Signed : BtfIntEncoding.None, 0, (byte)(size * 8)));
    }

    /// <summary>Adds the map definitions and the .maps DATASEC; each map occupies its struct's size in .maps.</summary>
    public int AddMaps(IReadOnlyList<MapDeclaration> maps, out Dictionary<string, (int Offset, int Size)> layout)
    {
        layout = [];
        var vars = new List<BtfVarSecInfo>();
        int offset = 0;
        foreach (var map in maps)
        {
            var members = new List<(string, uint)> { ("type", (uint)map.MapType), ("max_entries", map.MaxEntries) };
            if (map.KeySize > 0) members.Add(("key_size", (uint)map.KeySize));
            if (map.ValueSize > 0) members.Add(("value_size", (uint)map.ValueSize));
            if (map.Flags != 0) members.Add(("map_flags", map.Flags));
            if (map.Pinning != 0) members.Add(("pinning", map.Pinning));
            var btfMembers = members.Select((m, k) => new BtfMember(m.Item1, UintMember(m.Item2), (uint)(k * 64))).ToList();
            int size = members.Count * 8;
            var def = _spec.Add(new BtfStruct("", (uint)size, btfMembers));
            var v = _spec.Add(new BtfVar(map.Name, def, BtfLinkage.Global));
            vars.Add(new BtfVarSecInfo(v, (uint)offset, (uint)size));
            layout[map.Name] = (offset, size);
            offset += size;
        }
        if (maps.Count > 0) _spec.Add(new BtfDatasec(".maps", (uint)offset, vars));
        return offset;
    }

    /// <summary>Adds the .rodata DATASEC of the configuration variables (offsets already assigned).</summary>
    public void AddRodata(IReadOnlyList<ConfigVariable> variables, int size)
    {
        if (variables.Count == 0) return;
        var vars = new List<BtfVarSecInfo>();
        foreach (var c in variables)
        {
            var v = _spec.Add(new BtfVar(c.Name, Integer(c.Size, c.Signed), BtfLinkage.Global));
            vars.Add(new BtfVarSecInfo(v, (uint)c.Offset, (uint)c.Size));
        }
        _spec.Add(new BtfDatasec(".rodata", (uint)size, vars));
    }

    /// <summary>
    /// Adds <c>int name(void *ctx)</c> and its hook as a <c>netfence.hook=</c> decl tag (the section, <c>tc</c> for
    /// every TC hook, does not say which); returns the FUNC's id for func_info.
    /// </summary>
    public uint AddProgram(string name, string hook)
    {
        if (_proto == 0)
        {
            var voidPointer = _spec.Add(new BtfPointer(0));
            _proto = _spec.Add(new BtfFuncProto(_int, [new BtfParameter("ctx", voidPointer)]));
        }
        var func = _spec.Add(new BtfFunc(name, _proto, BtfLinkage.Global));
        _spec.Add(new BtfDeclTag(HookTag.Format(hook), func, -1));
        return func;
    }
}

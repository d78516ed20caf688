using Mono.Cecil;
using Netfence.Bpf.Btf;
using Netfence.Bpf.Compiler.Frontend;
using Netfence.Bpf.Elf;

namespace Netfence.Bpf.Compiler.Btf;

/// <summary>
/// The object's BTF: map definitions the way libbpf's __uint/__type macros encode them (<c>__uint</c>: a pointer to
/// an array whose element count is the number; <c>__type</c>: a pointer to the key or value type itself), the .maps
/// and .rodata DATASECs, and a FUNC/FUNC_PROTO per program and per global function for func_info.
/// </summary>
internal sealed class ObjectBtfBuilder
{
    readonly BtfSpec _spec = new();
    readonly Dictionary<uint, uint> _uintTypes = [];
    readonly Dictionary<uint, uint> _pointers = [];
    readonly ClrTypeBtf _types;
    readonly uint _int;

    public BtfSpec Spec => _spec;

    public ObjectBtfBuilder()
    {
        _types = new ClrTypeBtf(_spec);
        _int = _types.Integer(4, signed: true);
    }

    /// <summary>__uint(name, value): <c>int (*name)[value]</c>.</summary>
    uint UintMember(uint value)
    {
        if (_uintTypes.TryGetValue(value, out var id)) return id;
        var array = _spec.Add(new BtfArray(_int, _int, value));
        return _uintTypes[value] = _spec.Add(new BtfPointer(array));
    }

    /// <summary>__type(name, T): <c>T *name</c>.</summary>
    uint TypeMember(TypeReference type)
    {
        var target = _types.TypeOf(type);
        if (_pointers.TryGetValue(target, out var id)) return id;
        return _pointers[target] = _spec.Add(new BtfPointer(target));
    }

    /// <summary>Adds the map definitions and the .maps DATASEC; each map occupies its struct's size in .maps.</summary>
    public int AddMaps(IReadOnlyList<MapDeclaration> maps, out Dictionary<string, (int Offset, int Size)> layout)
    {
        layout = [];
        var vars = new List<BtfVarSecInfo>();
        int offset = 0;
        foreach (var map in maps)
        {
            // Every member is a pointer, 8 bytes, in the order libbpf's headers declare them.
            var members = new List<(string, uint)> { ("type", UintMember((uint)map.MapType)) };
            if (map.KeyType is not null) members.Add(("key", TypeMember(map.KeyType)));
            if (map.ValueType is not null) members.Add(("value", TypeMember(map.ValueType)));
            members.Add(("max_entries", UintMember(map.MaxEntries)));
            if (map.Flags != 0) members.Add(("map_flags", UintMember(map.Flags)));
            if (map.Pinning != 0) members.Add(("pinning", UintMember(map.Pinning)));
            var btfMembers = members.Select((m, k) => new BtfMember(m.Item1, m.Item2, (uint)(k * 64))).ToList();
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
            var v = _spec.Add(new BtfVar(c.Name, _types.TypeOf(c.Field.FieldType), BtfLinkage.Global));
            vars.Add(new BtfVarSecInfo(v, (uint)c.Offset, (uint)c.Size));
        }
        _spec.Add(new BtfDatasec(".rodata", (uint)size, vars));
    }

    /// <summary>
    /// Adds a global function's FUNC (global linkage) and prototype; returns the FUNC's id for func_info. A by-ref
    /// parameter is a pointer to a struct of its size: the verifier takes the size from the pointee to bound the
    /// function's accesses, and every caller's argument is checked against it.
    /// </summary>
    public uint AddFunction(GlobalFunctionDeclaration function)
    {
        var parameters = function.Parameters.Select(p => new BtfParameter(p.Name, p.ByReference
            ? _spec.Add(new BtfPointer(Struct(p.Type.Name, p.Size)))
            : _types.Integer(p.Size, p.Signed))).ToList();
        var proto = _spec.Add(new BtfFuncProto(_types.Integer(function.ReturnSize, function.ReturnSigned), parameters));
        return _spec.Add(new BtfFunc(function.Name, proto, BtfLinkage.Global));
    }

    readonly Dictionary<string, uint> _structs = [];

    // An opaque struct of the right size: the verifier needs only the size of a global function's pointee.
    uint Struct(string name, int size)
    {
        if (_structs.TryGetValue(name, out var id)) return id;
        return _structs[name] = _spec.Add(new BtfStruct(name, (uint)size, []));
    }

    readonly Dictionary<string, uint> _programProtos = [];

    /// <summary>
    /// Adds <c>int name(struct CONTEXT *ctx)</c> and its hook as a <c>netfence.hook=</c> decl tag (the section,
    /// <c>tc</c> for every TC hook, does not say which); returns the FUNC's id for func_info. The context struct is
    /// named as the kernel names the program type's context (<c>__sk_buff</c>, <c>bpf_sock_addr</c>), as clang's BTF
    /// for <c>int f(struct __sk_buff *skb)</c> does: older verifiers (6.1) match the argument to the program type by
    /// that name and log a <c>void *</c> as "reg type unsupported for arg#0". Unlike clang's it has no members (the
    /// verifier compares only the name; the fields are the kernel's), only the struct's size.
    /// </summary>
    public uint AddProgram(string name, string hook, string contextStruct, int contextSize)
    {
        if (!_programProtos.TryGetValue(contextStruct, out var proto))
        {
            var context = _spec.Add(new BtfPointer(Struct(contextStruct, contextSize)));
            proto = _programProtos[contextStruct] = _spec.Add(new BtfFuncProto(_int, [new BtfParameter("ctx", context)]));
        }
        var func = _spec.Add(new BtfFunc(name, proto, BtfLinkage.Global));
        _spec.Add(new BtfDeclTag(HookTag.Format(hook), func, -1));
        return func;
    }
}

using Mono.Cecil;
using Netfence.Bpf.Btf;
using Netfence.Bpf.Compiler.Frontend;

namespace Netfence.Bpf.Compiler.Btf;

/// <summary>
/// BTF for the C# types of map keys and values, laid out exactly as <see cref="TypeLayout"/> lays them out (so the
/// sizes agree with key_size/value_size): integers under their C names, bool as a BOOL int, an enum as a typedef of
/// its underlying integer (named after the enum), a struct with its fields at their offsets, a fixed buffer as an
/// array. With these, <c>bpftool map dump</c> shows keys and values field by field.
/// </summary>
internal sealed class ClrTypeBtf(BtfSpec spec)
{
    readonly Dictionary<(int Size, bool Signed), uint> _integers = [];
    readonly Dictionary<string, uint> _types = new(StringComparer.Ordinal);
    uint _bool, _arrayIndex;

    /// <summary>The BTF INT of a C integer of <paramref name="size"/> bytes.</summary>
    public uint Integer(int size, bool signed)
    {
        if (_integers.TryGetValue((size, signed), out var id)) return id;
        var name = (size, signed) switch
        {
            (1, false) => "unsigned char",
            (1, true) => "signed char",
            (2, false) => "unsigned short",
            (2, true) => "short",
            (4, false) => "unsigned int",
            (4, true) => "int",
            (8, false) => "unsigned long long",
            (8, true) => "long long",
            _ => throw new ArgumentOutOfRangeException(nameof(size), size, "integers are 1, 2, 4 or 8 bytes"),
        };
        return _integers[(size, signed)] = spec.Add(new BtfInt(name, (uint)size, signed ? BtfIntEncoding.Signed : BtfIntEncoding.None, 0, (byte)(size * 8)));
    }

    /// <summary>The BTF type id of <paramref name="type"/> (added once, then reused).</summary>
    public uint TypeOf(TypeReference type)
    {
        var key = type.FullName;
        if (_types.TryGetValue(key, out var known)) return known;
        uint id;
        switch (type.MetadataType)
        {
            case MetadataType.Boolean:
                id = _bool = _bool != 0 ? _bool : spec.Add(new BtfInt("bool", 1, BtfIntEncoding.Bool, 0, 8));
                break;
            case MetadataType.Byte or MetadataType.UInt16 or MetadataType.Char or MetadataType.UInt32 or MetadataType.UInt64 or MetadataType.UIntPtr:
                id = Integer(TypeLayout.SizeOf(type), signed: false);
                break;
            case MetadataType.SByte or MetadataType.Int16 or MetadataType.Int32 or MetadataType.Int64 or MetadataType.IntPtr:
                id = Integer(TypeLayout.SizeOf(type), signed: true);
                break;
            default:
                var def = SdkMetadata.Resolve(type) ?? throw new LayoutException($"cannot resolve {type.FullName}");
                id = def.IsEnum ? spec.Add(new BtfTypedef(Identifier(def.Name), TypeOf(def.Fields.First(f => !f.IsStatic).FieldType))) : Struct(type, def);
                break;
        }
        return _types[key] = id;
    }

    uint Struct(TypeReference type, TypeDefinition def)
    {
        var members = new List<BtfMember>();
        foreach (var field in def.Fields.Where(f => !f.IsStatic))
        {
            int offset = TypeLayout.OffsetOf(field);
            members.Add(new BtfMember(Identifier(field.Name), MemberType(field), (uint)offset * 8));
        }
        // BTF lists members by offset; explicit layouts may declare them in any order.
        members.Sort((a, b) => a.BitOffset.CompareTo(b.BitOffset));
        return spec.Add(new BtfStruct(Identifier(def.Name), (uint)TypeLayout.SizeOf(type), members));
    }

    uint MemberType(FieldDefinition field)
    {
        // `fixed byte Addr[16]` is a field of a compiler-made struct holding one byte; C sees an array.
        var fixedBuffer = field.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.FixedBufferAttribute");
        if (fixedBuffer is null) return TypeOf(field.FieldType);
        var element = (TypeReference)fixedBuffer.ConstructorArguments[0].Value;
        var length = (int)fixedBuffer.ConstructorArguments[1].Value;
        _arrayIndex = _arrayIndex != 0 ? _arrayIndex : Integer(4, signed: true);
        return spec.Add(new BtfArray(TypeOf(element), _arrayIndex, (uint)length));
    }

    /// <summary>
    /// A C identifier for a C# name, which the kernel requires of BTF struct and member names: an auto-property's
    /// backing field <c>&lt;Port&gt;k__BackingField</c> is <c>Port</c>; any other character C does not allow becomes '_'.
    /// </summary>
    static string Identifier(string name)
    {
        if (name.StartsWith('<') && name.IndexOf(">k__BackingField", StringComparison.Ordinal) is > 1 and var end) name = name[1..end];
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        return chars.Length == 0 || char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }
}

namespace Netfence.Bpf.Btf;

/// <summary>
/// One BTF type. Types refer to each other by type id (an index into <see cref="BtfSpec"/>,
/// where 0 is void), exactly as the binary format does, so a parsed object writes back
/// byte-for-byte and a compiler can emit forward references before defining the target.
/// </summary>
public abstract record BtfType(string Name)
{
    /// <summary>The kind this type encodes as.</summary>
    public abstract BtfKind Kind { get; }
}

/// <summary>An integer type: <paramref name="Size"/> bytes, <paramref name="Bits"/> of them used starting at <paramref name="BitOffset"/>.</summary>
public sealed record BtfInt(string Name, uint Size, BtfIntEncoding Encoding, byte BitOffset, byte Bits) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Int;
}

/// <summary>Flags of an integer's encoding (<c>BTF_INT_SIGNED</c>, <c>CHAR</c>, <c>BOOL</c>).</summary>
[Flags]
public enum BtfIntEncoding : byte
{
    None = 0,
    Signed = 1,
    Char = 2,
    Bool = 4,
}

/// <summary>A pointer to <paramref name="Type"/>.</summary>
public sealed record BtfPointer(uint Type) : BtfType("")
{
    public override BtfKind Kind => BtfKind.Pointer;
}

/// <summary>An array of <paramref name="Count"/> elements of <paramref name="ElementType"/>.</summary>
public sealed record BtfArray(uint ElementType, uint IndexType, uint Count) : BtfType("")
{
    public override BtfKind Kind => BtfKind.Array;
}

/// <summary>A struct or union member. <paramref name="BitfieldSize"/> is 0 for ordinary members.</summary>
public sealed record BtfMember(string Name, uint Type, uint BitOffset, byte BitfieldSize = 0);

/// <summary>A struct.</summary>
public sealed record BtfStruct(string Name, uint Size, IReadOnlyList<BtfMember> Members) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Struct;
}

/// <summary>A union.</summary>
public sealed record BtfUnion(string Name, uint Size, IReadOnlyList<BtfMember> Members) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Union;
}

/// <summary>One enumerator.</summary>
public sealed record BtfEnumValue(string Name, long Value);

/// <summary>An enum with 32-bit values (values outside the 32-bit range need <see cref="BtfEnum64"/>).</summary>
public sealed record BtfEnum(string Name, uint Size, bool Signed, IReadOnlyList<BtfEnumValue> Values) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Enum;
}

/// <summary>An enum with 64-bit values.</summary>
public sealed record BtfEnum64(string Name, uint Size, bool Signed, IReadOnlyList<BtfEnumValue> Values) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Enum64;
}

/// <summary>A forward declaration of a struct (or union when <paramref name="IsUnion"/>).</summary>
public sealed record BtfForward(string Name, bool IsUnion) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Forward;
}

/// <summary>A typedef of <paramref name="Type"/>.</summary>
public sealed record BtfTypedef(string Name, uint Type) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Typedef;
}

/// <summary><c>volatile</c> <paramref name="Type"/>.</summary>
public sealed record BtfVolatile(uint Type) : BtfType("")
{
    public override BtfKind Kind => BtfKind.Volatile;
}

/// <summary><c>const</c> <paramref name="Type"/>.</summary>
public sealed record BtfConst(uint Type) : BtfType("")
{
    public override BtfKind Kind => BtfKind.Const;
}

/// <summary><c>restrict</c> <paramref name="Type"/>.</summary>
public sealed record BtfRestrict(uint Type) : BtfType("")
{
    public override BtfKind Kind => BtfKind.Restrict;
}

/// <summary>Linkage of a function or variable.</summary>
public enum BtfLinkage : uint
{
    Static = 0,
    Global = 1,
    Extern = 2,
}

/// <summary>A function: its name and its <see cref="BtfFuncProto"/> (<paramref name="Type"/>).</summary>
public sealed record BtfFunc(string Name, uint Type, BtfLinkage Linkage) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Func;
}

/// <summary>A parameter of a function prototype (unnamed varargs marker: empty name, type 0).</summary>
public sealed record BtfParameter(string Name, uint Type);

/// <summary>A function prototype (return type and parameters).</summary>
public sealed record BtfFuncProto(uint ReturnType, IReadOnlyList<BtfParameter> Parameters) : BtfType("")
{
    public override BtfKind Kind => BtfKind.FuncProto;
}

/// <summary>A global or static variable (the members of a <see cref="BtfDatasec"/>).</summary>
public sealed record BtfVar(string Name, uint Type, BtfLinkage Linkage) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Var;
}

/// <summary>Where a variable sits in its data section.</summary>
public sealed record BtfVarSecInfo(uint Type, uint Offset, uint Size);

/// <summary>A data section (<c>.data</c>, <c>.rodata</c>, <c>.bss</c>, <c>.maps</c>) and the variables in it.</summary>
public sealed record BtfDatasec(string Name, uint Size, IReadOnlyList<BtfVarSecInfo> Variables) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Datasec;
}

/// <summary>A floating-point type of <paramref name="Size"/> bytes.</summary>
public sealed record BtfFloat(string Name, uint Size) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Float;
}

/// <summary>A declaration tag on <paramref name="Type"/> (or on its member/parameter <paramref name="ComponentIndex"/>; -1 for the type itself).</summary>
public sealed record BtfDeclTag(string Name, uint Type, int ComponentIndex) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.DeclTag;
}

/// <summary>A type tag (<c>__attribute__((btf_type_tag))</c>) on <paramref name="Type"/>.</summary>
public sealed record BtfTypeTag(string Name, uint Type) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.TypeTag;
}

namespace Netfence.Bpf.Compiler.IR;

/// <summary>The IL conversions between integer widths, as explicit register operations.</summary>
internal enum ExtendKind
{
    /// <summary>conv.i1: keep 8 bits, sign-extend to 32.</summary>
    SignExtend8To32,
    /// <summary>conv.u1: keep 8 bits.</summary>
    ZeroExtend8To32,
    /// <summary>conv.i2: keep 16 bits, sign-extend to 32.</summary>
    SignExtend16To32,
    /// <summary>conv.u2: keep 16 bits.</summary>
    ZeroExtend16To32,
    /// <summary>conv.i8 of an int32: sign-extend 32 to 64 (shifts, not cpu v4 MOVSX).</summary>
    SignExtend32To64,
    /// <summary>conv.u8 of an int32, and conv.i4/u4 of an int64: the low 32 bits, upper half zero.</summary>
    ZeroExtend32To64,
    /// <summary>conv.i1 of an int64 producing int32 goes through truncation first; this is truncate-to-32.</summary>
    Truncate64To32,
}

/// <summary><c>dst = extend(value)</c>.</summary>
internal sealed class ExtendInstruction(SourcePosition? position, ExtendKind kind, VirtualRegister destination, Operand value)
    : IrInstruction(position, destination, value)
{
    public ExtendKind Kind { get; } = kind;

    public Operand Value => Operands[0];

    public override string ToString() => $"{Dest}{Kind} {Value}";
}

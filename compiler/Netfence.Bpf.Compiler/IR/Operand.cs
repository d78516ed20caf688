namespace Netfence.Bpf.Compiler.IR;

/// <summary>An instruction input: a virtual register or a 64-bit constant.</summary>
internal readonly record struct Operand(VirtualRegister? Register, long Constant)
{
    public bool IsConstant => Register is null;

    public static Operand Of(VirtualRegister register) => new(register, 0);

    public static Operand Of(long constant) => new(null, constant);

    public override string ToString() => Register?.ToString() ?? Constant.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

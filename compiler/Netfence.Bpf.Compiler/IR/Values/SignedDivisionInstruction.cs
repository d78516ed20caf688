namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// C#'s signed <c>/</c> or <c>%</c>, truncating toward zero. ProveDivisors checks that .NET would not throw (a zero
/// divisor, MinValue / -1). The kernel's BPF_DIV is unsigned and SDIV/SMOD need cpu v4 (Linux 6.6), so the backend
/// divides the magnitudes and gives the result its sign.
/// </summary>
internal sealed class SignedDivisionInstruction(SourcePosition? position, bool remainder, Width width, VirtualRegister destination, Operand dividend, Operand divisor)
    : IrInstruction(position, destination, dividend, divisor)
{
    public bool IsRemainder { get; } = remainder;

    public Width Width { get; } = width;

    public Operand Dividend => Operands[0];

    public Operand Divisor => Operands[1];

    public override string ToString() => $"{Dest}{(IsRemainder ? "SRem" : "SDiv")}.{Width} {Dividend}, {Divisor}";
}

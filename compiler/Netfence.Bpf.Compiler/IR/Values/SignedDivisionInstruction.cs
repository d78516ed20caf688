namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// C#'s signed <c>/</c> or <c>%</c> by a divisor the frontend proved positive. The kernel's BPF_DIV is unsigned and
/// SDIV/SMOD need cpu v4 (Linux 6.6), so the backend divides magnitudes and restores the sign of the dividend, which is
/// C#'s truncating semantics when the divisor is positive.
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

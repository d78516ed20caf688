namespace Netfence.Bpf.Compiler.IR;

/// <summary>The wrap-around binary operations the kernel has as one ALU instruction.</summary>
internal enum BinaryOperation
{
    Add,
    Subtract,
    Multiply,
    UnsignedDivide,
    UnsignedRemainder,
    And,
    Or,
    Xor,
    ShiftLeft,
    ShiftRightLogical,
    ShiftRightArithmetic,
}

/// <summary>
/// <c>dst = left op right</c> at <see cref="Width"/>. Shift counts are already masked by the frontend the way C# masks
/// them, and divisors are proven non-zero, so the backend emits exactly one ALU instruction.
/// </summary>
internal sealed class BinaryInstruction(SourcePosition? position, BinaryOperation operation, Width width, VirtualRegister destination, Operand left, Operand right)
    : IrInstruction(position, destination, left, right)
{
    public BinaryOperation Operation { get; } = operation;

    public Width Width { get; } = width;

    public Operand Left => Operands[0];

    public Operand Right => Operands[1];

    public override string ToString() => $"{Dest}{Operation}.{Width} {Left}, {Right}";
}

namespace Netfence.Bpf.Compiler.IR;

/// <summary>The unary operations of IL (neg, not).</summary>
internal enum UnaryOperation
{
    Negate,
    Not,
}

/// <summary><c>dst = op value</c> at <see cref="Width"/>.</summary>
internal sealed class UnaryInstruction(SourcePosition? position, UnaryOperation operation, Width width, VirtualRegister destination, Operand value)
    : IrInstruction(position, destination, value)
{
    public UnaryOperation Operation { get; } = operation;

    public Width Width { get; } = width;

    public Operand Value => Operands[0];

    public override string ToString() => $"{Dest}{Operation}.{Width} {Value}";
}

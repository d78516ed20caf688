namespace Netfence.Bpf.Compiler.IR;

/// <summary><c>dst = (left cond right) ? 1 : 0</c> as an int32, IL's ceq/cgt/clt family.</summary>
internal sealed class CompareInstruction(SourcePosition? position, Condition condition, Width width, VirtualRegister destination, Operand left, Operand right)
    : IrInstruction(position, destination, left, right)
{
    public Condition Condition { get; } = condition;

    public Width Width { get; } = width;

    public Operand Left => Operands[0];

    public Operand Right => Operands[1];

    public override string ToString() => $"{Dest}{Condition}.{Width} {Left}, {Right}";
}

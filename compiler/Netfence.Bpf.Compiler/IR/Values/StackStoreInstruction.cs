namespace Netfence.Bpf.Compiler.IR;

/// <summary>A store of the low <see cref="Size"/> bytes of a value into the frame.</summary>
internal sealed class StackStoreInstruction(SourcePosition? position, StackAddress address, int size, Operand value)
    : IrInstruction(position, null, value)
{
    public StackAddress Address { get; } = address;

    public int Size { get; } = size;

    public Operand Value => Operands[0];

    public override bool HasSideEffects => true;

    public override string ToString() => $"store{Size * 8} {Address}, {Value}";
}

namespace Netfence.Bpf.Compiler.IR;

/// <summary>A store to a writable [ContextField]: STX of <see cref="Size"/> bytes at <see cref="Offset"/>.</summary>
internal sealed class ContextStoreInstruction(SourcePosition? position, VirtualRegister context, int offset, int size, Operand value)
    : IrInstruction(position, null, Operand.Of(context), value)
{
    public VirtualRegister Context => Operands[0].Register!;

    public Operand Value => Operands[1];

    public int Offset { get; } = offset;

    public int Size { get; } = size;

    public override bool HasSideEffects => true;

    public override string ToString() => $"ctx[{Offset}:{Size}] = {Value}";
}

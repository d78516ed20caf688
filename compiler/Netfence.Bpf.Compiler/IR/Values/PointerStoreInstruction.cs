namespace Netfence.Bpf.Compiler.IR;

/// <summary>A store of the low <see cref="Size"/> bytes of a value at <see cref="Offset"/> through a map value pointer.</summary>
internal sealed class PointerStoreInstruction(SourcePosition? position, VirtualRegister pointer, int offset, int size, Operand value)
    : IrInstruction(position, null, Operand.Of(pointer), value)
{
    public VirtualRegister Pointer => Operands[0].Register!;

    public int Offset { get; } = offset;

    public int Size { get; } = size;

    public Operand Value => Operands[1];

    public override bool HasSideEffects => true;

    public override string ToString() => $"store{Size * 8} [{Pointer}+{Offset}], {Value}";
}

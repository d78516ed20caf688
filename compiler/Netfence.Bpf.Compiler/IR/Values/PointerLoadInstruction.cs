namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// A load of <see cref="Size"/> bytes at <see cref="Offset"/> from a map value pointer (a checked <c>Lookup</c>
/// reference). The pointer operand is always the register the lookup defined, so the verifier sees the access on
/// the pointer it proved non-null.
/// </summary>
internal sealed class PointerLoadInstruction(SourcePosition? position, VirtualRegister destination, VirtualRegister pointer, int offset, int size, bool signExtend)
    : IrInstruction(position, destination, Operand.Of(pointer))
{
    public VirtualRegister Pointer => Operands[0].Register!;

    public int Offset { get; } = offset;

    public int Size { get; } = size;

    public bool SignExtend { get; } = signExtend;

    public override string ToString() => $"{Dest}load{(SignExtend ? "s" : "")}{Size * 8} [{Pointer}+{Offset}]";
}

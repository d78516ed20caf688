namespace Netfence.Bpf.Compiler.IR;

/// <summary>A load of a [ContextField]: LDX of <see cref="Size"/> bytes at <see cref="Offset"/> from the context pointer.</summary>
internal sealed class ContextLoadInstruction(SourcePosition? position, VirtualRegister destination, VirtualRegister context, int offset, int size)
    : IrInstruction(position, destination, Operand.Of(context))
{
    public VirtualRegister Context => Operands[0].Register!;

    public int Offset { get; } = offset;

    public int Size { get; } = size;

    public override string ToString() => $"{Dest}ctx[{Offset}:{Size}]";
}

namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// A struct copy between the frame and a map value: out of the map (a struct read through a <c>Lookup</c> reference,
/// then held in the frame like any struct value) or into it (a struct assigned through the reference).
/// </summary>
internal sealed class PointerCopyInstruction(SourcePosition? position, bool intoMapValue, StackAddress frame, VirtualRegister pointer, int offset, int size)
    : IrInstruction(position, null, Operand.Of(pointer))
{
    /// <summary>True: frame → map value; false: map value → frame.</summary>
    public bool IntoMapValue { get; } = intoMapValue;

    public StackAddress Frame { get; } = frame;

    public VirtualRegister Pointer => Operands[0].Register!;

    public int Offset { get; } = offset;

    public int Size { get; } = size;

    public override bool HasSideEffects => true;

    public override string ToString() =>
        IntoMapValue ? $"copy [{Pointer}+{Offset}] <- {Frame}, {Size}" : $"copy {Frame} <- [{Pointer}+{Offset}], {Size}";
}

namespace Netfence.Bpf.Compiler.IR;

/// <summary>A struct copy within the frame (ldloc/stloc of a struct, ldobj/stobj/cpobj, by-value arguments).</summary>
internal sealed class StackCopyInstruction(SourcePosition? position, StackAddress destination, StackAddress source, int size)
    : IrInstruction(position, null)
{
    public StackAddress Target { get; } = destination;

    public StackAddress Source { get; } = source;

    public int Size { get; } = size;

    public override bool HasSideEffects => true;

    public override string ToString() => $"copy {Target} <- {Source}, {Size}";
}

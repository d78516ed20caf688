namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// Zeroes a frame range: C#'s zero-initialised locals and initobj. The verifier also refuses to pass uninitialised
/// stack bytes (a key's padding) to a helper, so every struct local starts zeroed.
/// </summary>
internal sealed class StackZeroInstruction(SourcePosition? position, StackAddress address, int size)
    : IrInstruction(position, null)
{
    public StackAddress Address { get; } = address;

    public int Size { get; } = size;

    public override bool HasSideEffects => true;

    public override string ToString() => $"zero {Address}, {Size}";
}

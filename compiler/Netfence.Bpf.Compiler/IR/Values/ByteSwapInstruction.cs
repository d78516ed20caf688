namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// A host/network byte-order conversion of <see cref="Bits"/> bits: one BPF END (to big-endian) instruction, which on
/// the little-endian hosts we load on swaps the low bits and zeroes the rest.
/// </summary>
internal sealed class ByteSwapInstruction(SourcePosition? position, int bits, VirtualRegister destination, Operand value)
    : IrInstruction(position, destination, value)
{
    public int Bits { get; } = bits;

    public Operand Value => Operands[0];

    public override string ToString() => $"{Dest}bswap{Bits} {Value}";
}

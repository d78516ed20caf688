namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// A load of <see cref="Size"/> bytes at <see cref="Offset"/> from packet memory, through the pointer a
/// <see cref="PacketAccessInstruction"/> checked against data_end (its <see cref="PacketAccessInstruction.View"/>).
/// Only <see cref="Passes.ReadPacketInPlace"/> makes these, from loads of a TryRead's frame copy, and only where that
/// check's range is known to hold: the verifier tracks the range on the checked pointer, so the load must go through
/// that very register (or its spill) with a constant offset inside the checked size.
/// </summary>
internal sealed class PacketLoadInstruction(SourcePosition? position, VirtualRegister destination, VirtualRegister view, int offset, int size, bool signExtend)
    : IrInstruction(position, destination, Operand.Of(view))
{
    public VirtualRegister View => Operands[0].Register!;

    public int Offset { get; } = offset;

    public int Size { get; } = size;

    public bool SignExtend { get; } = signExtend;

    public override string ToString() => $"{Dest}load{(SignExtend ? "s" : "")}{Size * 8} packet[{View}+{Offset}]";
}

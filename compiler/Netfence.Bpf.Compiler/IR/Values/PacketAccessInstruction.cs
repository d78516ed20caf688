namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// SkBuff.TryRead/TryWrite: the bounds check <c>data + offset + size &gt; data_end</c> and the copy between packet and
/// frame, as one indivisible instruction. Passes may neither hoist nor merge it (the verifier tracks each check on the
/// pointer it guards), so it is opaque to them and the backend emits it in exactly the shape the verifier expects.
/// <see cref="IrInstruction.Destination"/> receives 1 when the access fitted and 0 when it did not (the frame copy is then zeroed
/// for a read, as .NET's TryRead returns default).
/// </summary>
internal sealed class PacketAccessInstruction(SourcePosition? position, bool write, VirtualRegister destination, VirtualRegister context, Operand offset, StackAddress buffer, int size, int dataOffset, int dataEndOffset)
    : IrInstruction(position, destination, Operand.Of(context), offset)
{
    public bool IsWrite { get; } = write;

    public VirtualRegister Context => Operands[0].Register!;

    public Operand PacketOffset => Operands[1];

    public StackAddress Buffer { get; } = buffer;

    public int Size { get; } = size;

    /// <summary>Context offset of the u32 data pointer (from [ContextLayout]).</summary>
    public int DataOffset { get; } = dataOffset;

    /// <summary>Context offset of the u32 data_end pointer.</summary>
    public int DataEndOffset { get; } = dataEndOffset;

    /// <summary>
    /// Set by <see cref="Passes.EliminateDeadStores"/> for a read whose block ends in a branch on its result: no byte of
    /// the buffer is read after the branch's failure side, so the zeroing .NET's TryRead does there is dead.
    /// </summary>
    public bool BufferDeadOnFailure { get; set; }

    /// <summary>
    /// Set by <see cref="Passes.EliminateDeadStores"/> for a read whose buffer no instruction reads afterwards (its
    /// fields are read from the packet in place, or not at all): the access is the bounds check alone, with no copy
    /// and no zeroing, and touches no frame bytes.
    /// </summary>
    public bool BufferUnread { get; set; }

    /// <summary>
    /// For a read whose fields <see cref="Passes.ReadPacketInPlace"/> turned into <see cref="PacketLoadInstruction"/>s:
    /// the register that holds the checked packet pointer (data + offset) after a successful access, the pointer the
    /// verifier knows to have <see cref="Size"/> bytes before data_end. Null when nothing reads the packet in place.
    /// </summary>
    public VirtualRegister? View { get; set; }

    public override IEnumerable<VirtualRegister> Definitions => View is null ? base.Definitions : base.Definitions.Append(View);

    public override bool HasSideEffects => true;

    public override string ToString() =>
        $"{Dest}{(View is null ? "" : $"{View} = ")}packet.{(IsWrite ? "write" : "read")} [{PacketOffset}:{Size}]{(BufferUnread ? " check only" : $" {(IsWrite ? "<-" : "->")} {Buffer}")}";
}

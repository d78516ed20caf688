namespace Netfence.Bpf.Compiler.IR;

/// <summary>One frame range an instruction reads or writes.</summary>
internal readonly record struct FrameAccess(StackAddress Address, int Size, bool IsWrite)
{
    /// <summary>Whether the access writes every byte of its slot, so the slot's earlier contents are dead before it.</summary>
    public bool DefinesWholeSlot => IsWrite && Address.Offset == 0 && Size >= Address.Slot.Size;
}

/// <summary>
/// Which frame ranges each IR instruction reads and writes. The one place that knows how instructions use the frame,
/// for the slot liveness that lets the frame layout share memory between slots.
/// </summary>
internal static class FrameAccesses
{
    public static IEnumerable<FrameAccess> Of(IrInstruction instruction)
    {
        switch (instruction)
        {
            case StackLoadInstruction x:
                yield return new FrameAccess(x.Address, x.Size, false);
                break;
            case StackStoreInstruction x:
                yield return new FrameAccess(x.Address, x.Size, true);
                break;
            case StackZeroInstruction x:
                yield return new FrameAccess(x.Address, x.Size, true);
                break;
            case StackCopyInstruction x:
                yield return new FrameAccess(x.Source, x.Size, false);
                yield return new FrameAccess(x.Target, x.Size, true);
                break;
            case PointerCopyInstruction x:
                yield return new FrameAccess(x.Frame, x.Size, !x.IntoMapValue);
                break;
            case PacketAccessInstruction x:
                // A read fills the buffer whether it fits (the packet bytes) or not (zeroes); one whose buffer nobody
                // reads is only the bounds check.
                if (!x.BufferUnread) yield return new FrameAccess(x.Buffer, x.Size, !x.IsWrite);
                break;
            case FunctionCallInstruction x:
                // The callee reads what its by-ref parameters point to (and may write it: the caller reads it after).
                foreach (var a in x.Arguments)
                    if (a.Address is { } address)
                        yield return new FrameAccess(address, address.Slot.Size - address.Offset, false);
                break;
            case MapHelperInstruction x:
                // Keys and values are read by the helper; a copying lookup then writes the value or zeroes.
                foreach (var a in x.Arguments)
                    if (a.Address is { } address)
                        yield return new FrameAccess(address, address.Slot.Size - address.Offset, false);
                if (x.Output is { } output) yield return new FrameAccess(output, x.OutputSize, true);
                break;
        }
    }
}

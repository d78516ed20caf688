using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Removes frame writes that nothing reads: a store, zeroing or struct copy whose every byte is overwritten, or never
/// read, on every path before a read. C# zero-initialises every struct local (and the frontend zeroes each inlined
/// callee's locals and out parameters again), then the code assigns the fields or copies a whole struct in, so the
/// zeroing is usually dead; so is a copy into a temporary whose reads were forwarded. Liveness is per byte of each
/// slot (backward dataflow over <see cref="FrameAccesses"/>, the one description of how instructions use the frame),
/// so a key's padding that a helper reads keeps its zeroing, as the verifier requires. A packet read whose copy no
/// read sees (its fields read in place by <see cref="ReadPacketInPlace"/>, or never) keeps only its bounds check.
/// </summary>
internal static class EliminateDeadStores
{
    public static void Run(IrFunction function)
    {
        bool removed = true;
        while (removed)
        {
            var (liveIn, liveOut) = Live(function);
            MarkDeadFailureBuffers(function, liveIn);
            removed = false;
            foreach (var block in function.Blocks)
            {
                var live = new HashSet<(StackSlot, int)>(liveOut[block]);
                for (int k = block.Instructions.Count - 1; k >= 0; k--)
                {
                    var i = block.Instructions[k];
                    var accesses = FrameAccesses.Of(i).ToList();
                    if (IsPlainWrite(i) && accesses.Where(a => a.IsWrite).All(a => !Bytes(a).Any(live.Contains)))
                    {
                        block.Instructions.RemoveAt(k);
                        removed = true;
                        continue;
                    }
                    if (i is PacketAccessInstruction { IsWrite: false, BufferUnread: false } read && accesses.All(a => !Bytes(a).Any(live.Contains)))
                    {
                        // The check stays (it decides the branch), the copy goes: no field of it is read from the frame.
                        read.BufferUnread = true;
                        removed = true;
                        continue;
                    }
                    Transfer(accesses, live);
                }
            }
        }
    }

    /// <summary>Instructions whose only effect is writing the frame (a copy's read of its source goes with it).</summary>
    static bool IsPlainWrite(IrInstruction i) =>
        i is StackStoreInstruction or StackZeroInstruction or StackCopyInstruction or PointerCopyInstruction { IntoMapValue: false };

    static IEnumerable<(StackSlot, int)> Bytes(FrameAccess a) =>
        Enumerable.Range(a.Address.Offset, a.Size).Select(b => (a.Address.Slot, b));

    /// <summary>Live bytes before an instruction from those after it: its writes end them, then its reads start them.</summary>
    static void Transfer(List<FrameAccess> accesses, HashSet<(StackSlot, int)> live)
    {
        foreach (var a in accesses.Where(a => a.IsWrite))
            foreach (var b in Bytes(a)) live.Remove(b);
        foreach (var a in accesses.Where(a => !a.IsWrite))
            foreach (var b in Bytes(a)) live.Add(b);
    }

    /// <summary>
    /// A packet read at the end of a block branched on by its result alone: when no buffer byte is live into the side
    /// taken on failure, the read need not zero the buffer there (the backend then jumps from the check straight to
    /// that side).
    /// </summary>
    static void MarkDeadFailureBuffers(IrFunction function, Dictionary<BasicBlock, HashSet<(StackSlot, int)>> liveIn)
    {
        foreach (var block in function.Blocks)
        {
            if (block.Instructions.Count == 0 || block.Instructions[^1] is not PacketAccessInstruction { IsWrite: false } access) continue;
            if (block.Terminator is not BranchTerminator { Right.IsConstant: true, Right.Constant: 0, Condition: Condition.Equal or Condition.NotEqual } branch
                || branch.Left.Register != access.Destination) continue;
            var failure = branch.Condition == Condition.NotEqual ? branch.WhenFalse : branch.WhenTrue;
            access.BufferDeadOnFailure = !Bytes(new FrameAccess(access.Buffer, access.Size, false)).Any(liveIn[failure].Contains);
        }
    }

    static (Dictionary<BasicBlock, HashSet<(StackSlot, int)>> LiveIn, Dictionary<BasicBlock, HashSet<(StackSlot, int)>> LiveOut) Live(IrFunction function)
    {
        var liveIn = function.Blocks.ToDictionary(b => b, _ => new HashSet<(StackSlot, int)>());
        var liveOut = function.Blocks.ToDictionary(b => b, _ => new HashSet<(StackSlot, int)>());
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int k = function.Blocks.Count - 1; k >= 0; k--)
            {
                var b = function.Blocks[k];
                foreach (var s in b.Successors)
                    foreach (var x in liveIn[s])
                        liveOut[b].Add(x);
                var live = new HashSet<(StackSlot, int)>(liveOut[b]);
                for (int n = b.Instructions.Count - 1; n >= 0; n--) Transfer(FrameAccesses.Of(b.Instructions[n]).ToList(), live);
                if (!live.SetEquals(liveIn[b]))
                {
                    liveIn[b] = live;
                    changed = true;
                }
            }
        }
        return (liveIn, liveOut);
    }
}

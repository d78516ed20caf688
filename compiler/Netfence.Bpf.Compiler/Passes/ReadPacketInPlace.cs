using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Reads the fields of a <c>TryRead</c> header from the packet itself instead of from its frame copy, as clang reads
/// them through the checked pointer: <c>r2 = *(u16 *)(r4 + 12)</c> where we copied 14 bytes to the frame and read 2 of
/// them back. A load from the buffer becomes a <see cref="PacketLoadInstruction"/> through the access's
/// <see cref="PacketAccessInstruction.View"/> (the pointer its bounds check proved) when, on every path to the load,
/// the same access was last left through its success edge and since then:
/// <list type="bullet">
/// <item>no instruction wrote the buffer's bytes (the copy would no longer be the packet's bytes);</item>
/// <item>no helper, map helper or function was called: helpers such as <c>bpf_skb_pull_data</c>, the store and adjust
/// helpers invalidate every packet pointer, and the verifier rejects a packet pointer used after them (a call that
/// does not would still force the view into r6–r9, which the copy did not need);</item>
/// <item>no packet write ran (it may change the bytes the copy kept).</item>
/// </list>
/// A slot is read in place only if every read of it can be, so the copy and the view never both survive; the copy
/// then has no reader and <see cref="EliminateDeadStores"/> reduces the access to its bounds check
/// (<see cref="PacketAccessInstruction.BufferUnread"/>). Copies that escape (passed by reference, copied whole into
/// another struct, used as a map key) stay as they are. The access itself neither moves nor changes its check, so the
/// verifier sees the same pkt + constant-offset form with its range proved against data_end.
/// </summary>
internal static class ReadPacketInPlace
{
    public static void Run(IrFunction function)
    {
        var flow = new ControlFlow(function);
        var available = Available(function, flow);

        // Every load of a buffer that a view covers, and every instruction reading each slot.
        var covered = new Dictionary<StackLoadInstruction, PacketAccessInstruction>();
        var readers = new Dictionary<StackSlot, List<IrInstruction>>();
        foreach (var block in flow.ReversePostOrder)
        {
            var facts = new HashSet<PacketAccessInstruction>(available[block]);
            foreach (var i in block.Instructions)
            {
                foreach (var read in FrameAccesses.Of(i).Where(a => !a.IsWrite))
                    (readers.TryGetValue(read.Address.Slot, out var list) ? list : readers[read.Address.Slot] = []).Add(i);
                if (i is StackLoadInstruction load && facts.FirstOrDefault(a => Covers(a, load)) is { } access)
                    covered[load] = access;
                Transfer(facts, i);
            }
        }

        foreach (var (slot, reads) in readers)
        {
            if (!reads.All(r => r is StackLoadInstruction load && covered.ContainsKey(load))) continue;
            foreach (var block in function.Blocks)
                for (int k = 0; k < block.Instructions.Count; k++)
                {
                    if (block.Instructions[k] is not StackLoadInstruction load || load.Address.Slot != slot) continue;
                    var access = covered[load];
                    access.View ??= function.NewRegister(Width.W64, "view");
                    block.Instructions[k] = new PacketLoadInstruction(load.Position, load.Destination!, access.View,
                        load.Address.Offset - access.Buffer.Offset, load.Size, load.SignExtend);
                }
        }
    }

    static bool Covers(PacketAccessInstruction access, StackLoadInstruction load) =>
        access.Buffer.Slot == load.Address.Slot && access.Buffer.Offset <= load.Address.Offset
        && load.Address.Offset + load.Size <= access.Buffer.Offset + access.Size;

    /// <summary>
    /// The packet reads whose buffer holds the packet's bytes and whose check's range holds at each block's entry
    /// (forward, must: the intersection over predecessors, each contributing what held at its end plus its own
    /// access on its success edge).
    /// </summary>
    static Dictionary<BasicBlock, HashSet<PacketAccessInstruction>> Available(IrFunction function, ControlFlow flow)
    {
        var atEnd = new Dictionary<BasicBlock, HashSet<PacketAccessInstruction>>();
        var atEntry = new Dictionary<BasicBlock, HashSet<PacketAccessInstruction>>();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var block in flow.ReversePostOrder)
            {
                HashSet<PacketAccessInstruction>? entry = null;
                if (block != function.Entry)
                {
                    // Predecessors not yet visited (back edges on the first round) know everything: they do not narrow.
                    foreach (var p in flow.Predecessors[block].Where(atEnd.ContainsKey))
                    {
                        var along = new HashSet<PacketAccessInstruction>(atEnd[p]);
                        if (SucceededInto(p, block) is { } access) along.Add(access);
                        if (entry is null) entry = along;
                        else entry.IntersectWith(along);
                    }
                }
                entry ??= [];
                var facts = new HashSet<PacketAccessInstruction>(entry);
                foreach (var i in block.Instructions) Transfer(facts, i);
                if (!atEnd.TryGetValue(block, out var old) || !old.SetEquals(facts) || !atEntry[block].SetEquals(entry))
                {
                    atEnd[block] = facts;
                    atEntry[block] = entry;
                    changed = true;
                }
            }
        }
        return atEntry;
    }

    /// <summary>
    /// The packet read that ends <paramref name="block"/> when <paramref name="successor"/> is reached from it only if
    /// the read fitted: the block branches on the read's result alone, and only its success side leads there.
    /// </summary>
    static PacketAccessInstruction? SucceededInto(BasicBlock block, BasicBlock successor)
    {
        if (block.Instructions.Count == 0 || block.Instructions[^1] is not PacketAccessInstruction { IsWrite: false, BufferUnread: false } access) return null;
        if (block.Terminator is not BranchTerminator { Right.IsConstant: true, Right.Constant: 0, Condition: Condition.Equal or Condition.NotEqual } branch
            || branch.Left.Register is null || branch.Left.Register != access.Destination || branch.WhenTrue == branch.WhenFalse) return null;
        var success = branch.Condition == Condition.NotEqual ? branch.WhenTrue : branch.WhenFalse;
        return success == successor ? access : null;
    }

    static void Transfer(HashSet<PacketAccessInstruction> facts, IrInstruction i)
    {
        if (i is HelperCallInstruction or MapHelperInstruction or FunctionCallInstruction or PacketAccessInstruction { IsWrite: true })
        {
            facts.Clear();
            return;
        }
        foreach (var write in FrameAccesses.Of(i).Where(a => a.IsWrite))
            facts.RemoveWhere(a => a.Buffer.Slot == write.Address.Slot
                                   && a.Buffer.Offset < write.Address.Offset + write.Size && write.Address.Offset < a.Buffer.Offset + a.Size);
        // A read that runs again redefines its buffer and its view; it holds again only past its success edge.
        if (i is PacketAccessInstruction read) facts.Remove(read);
    }
}

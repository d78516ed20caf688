namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// Which frame slots must not share memory. A slot is live from a write to the reads that can see it (backward
/// dataflow; only a write of the whole slot ends its earlier life, since C# zero-initialises every struct local that
/// is what starts each inlined local's life). Two slots interfere when one is written while the other is live, or
/// when one instruction touches both (a copy must not overlap its source). Slots that never interfere may take the
/// same bytes: the inlined locals of different callees, the key of one lookup and the value of a later one.
/// </summary>
internal sealed class SlotInterference
{
    readonly Dictionary<StackSlot, HashSet<StackSlot>> _edges = [];

    public SlotInterference(IrFunction function)
    {
        var liveOut = LiveOut(function);
        foreach (var b in function.Blocks)
        {
            var live = new HashSet<StackSlot>(liveOut[b]);
            for (int k = b.Instructions.Count - 1; k >= 0; k--)
            {
                var accesses = FrameAccesses.Of(b.Instructions[k]).ToList();
                foreach (var a in accesses)
                {
                    Touch(a.Address.Slot);
                    foreach (var other in accesses) Interfere(a.Address.Slot, other.Address.Slot);
                    if (!a.IsWrite) continue;
                    foreach (var l in live) Interfere(a.Address.Slot, l);
                }
                foreach (var a in accesses)
                    if (a.DefinesWholeSlot) live.Remove(a.Address.Slot);
                foreach (var a in accesses)
                    if (!a.IsWrite) live.Add(a.Address.Slot);
            }
        }
    }

    /// <summary>Every slot an instruction touches; slots whose uses were optimised away take no room.</summary>
    public IReadOnlyCollection<StackSlot> Slots => _edges.Keys;

    public bool Interferes(StackSlot a, StackSlot b) => a == b || _edges[a].Contains(b);

    void Touch(StackSlot slot)
    {
        if (!_edges.ContainsKey(slot)) _edges[slot] = [];
    }

    void Interfere(StackSlot a, StackSlot b)
    {
        if (a == b) return;
        Touch(a);
        Touch(b);
        _edges[a].Add(b);
        _edges[b].Add(a);
    }

    static Dictionary<BasicBlock, HashSet<StackSlot>> LiveOut(IrFunction function)
    {
        var use = new Dictionary<BasicBlock, HashSet<StackSlot>>();
        var def = new Dictionary<BasicBlock, HashSet<StackSlot>>();
        var liveIn = new Dictionary<BasicBlock, HashSet<StackSlot>>();
        var liveOut = new Dictionary<BasicBlock, HashSet<StackSlot>>();
        foreach (var b in function.Blocks)
        {
            var u = use[b] = [];
            var d = def[b] = [];
            foreach (var i in b.Instructions)
            {
                var accesses = FrameAccesses.Of(i).ToList();
                foreach (var a in accesses)
                    if (!a.IsWrite && !d.Contains(a.Address.Slot)) u.Add(a.Address.Slot);
                foreach (var a in accesses)
                    if (a.DefinesWholeSlot) d.Add(a.Address.Slot);
            }
            liveIn[b] = [];
            liveOut[b] = [];
        }
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int k = function.Blocks.Count - 1; k >= 0; k--)
            {
                var b = function.Blocks[k];
                foreach (var s in b.Successors)
                    foreach (var slot in liveIn[s])
                        changed |= liveOut[b].Add(slot);
                foreach (var slot in use[b]) changed |= liveIn[b].Add(slot);
                foreach (var slot in liveOut[b])
                    if (!def[b].Contains(slot)) changed |= liveIn[b].Add(slot);
            }
        }
        return liveOut;
    }
}

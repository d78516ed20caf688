namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// Live-in and live-out sets of virtual registers per block (backward dataflow to a fixed point). The register
/// allocator turns them into live intervals over the emitted block order.
/// </summary>
internal sealed class Liveness
{
    public Liveness(IrFunction function)
    {
        var use = new Dictionary<BasicBlock, HashSet<VirtualRegister>>();
        var def = new Dictionary<BasicBlock, HashSet<VirtualRegister>>();
        foreach (var b in function.Blocks)
        {
            var u = use[b] = [];
            var d = def[b] = [];
            foreach (var i in Instructions(b))
            {
                foreach (var r in i.Uses)
                    if (!d.Contains(r)) u.Add(r);
                foreach (var dst in i.Definitions) d.Add(dst);
            }
            LiveIn[b] = [];
            LiveOut[b] = [];
        }
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int k = function.Blocks.Count - 1; k >= 0; k--)
            {
                var b = function.Blocks[k];
                var outSet = LiveOut[b];
                foreach (var s in b.Successors)
                    foreach (var r in LiveIn[s])
                        changed |= outSet.Add(r);
                var inSet = LiveIn[b];
                foreach (var r in use[b]) changed |= inSet.Add(r);
                foreach (var r in outSet)
                    if (!def[b].Contains(r)) changed |= inSet.Add(r);
            }
        }
    }

    public Dictionary<BasicBlock, HashSet<VirtualRegister>> LiveIn { get; } = [];

    public Dictionary<BasicBlock, HashSet<VirtualRegister>> LiveOut { get; } = [];

    /// <summary>A block's instructions followed by its terminator.</summary>
    public static IEnumerable<IrInstruction> Instructions(BasicBlock block) =>
        block.Terminator is null ? block.Instructions : block.Instructions.Append(block.Terminator);
}

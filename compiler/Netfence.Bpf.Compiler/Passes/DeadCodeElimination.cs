using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Removes unreachable blocks and instructions without side effects whose result nobody reads. The kernel verifier
/// rejects unreachable instructions, so this pass is required, not an optimisation.
/// </summary>
internal static class DeadCodeElimination
{
    public static void Run(IrFunction function)
    {
        var flow = new ControlFlow(function);
        var reachable = flow.ReversePostOrder.ToHashSet();
        function.Blocks.RemoveAll(b => !reachable.Contains(b));
        // Emit in reverse post-order so fall-through edges are common and loops stay contiguous.
        function.Blocks.Sort((x, y) => IndexOf(flow, x).CompareTo(IndexOf(flow, y)));

        bool changed = true;
        while (changed)
        {
            changed = false;
            var used = new HashSet<VirtualRegister>();
            foreach (var b in function.Blocks)
                foreach (var i in Liveness.Instructions(b))
                    foreach (var r in i.Uses) used.Add(r);
            foreach (var b in function.Blocks)
            {
                int removed = b.Instructions.RemoveAll(i => !i.HasSideEffects && i.Destination is { } d && !used.Contains(d));
                changed |= removed > 0;
            }
        }
    }

    static int IndexOf(ControlFlow flow, BasicBlock block)
    {
        for (int k = 0; k < flow.ReversePostOrder.Count; k++)
            if (flow.ReversePostOrder[k] == block) return k;
        return int.MaxValue;
    }
}

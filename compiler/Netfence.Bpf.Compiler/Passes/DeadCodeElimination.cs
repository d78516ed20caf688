using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Removes unreachable blocks and instructions without side effects whose result is not live after them. The kernel verifier
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
            // A definition is dead when its register is not live right after it, not only when the register is never
            // read anywhere: IL's zero-initialised locals and values overwritten on every path before they are read
            // would otherwise keep their registers live from the function's entry.
            var liveness = new Liveness(function);
            foreach (var b in function.Blocks)
            {
                var live = new HashSet<VirtualRegister>(liveness.LiveOut[b]);
                if (b.Terminator is { } t)
                    foreach (var r in t.Uses) live.Add(r);
                for (int k = b.Instructions.Count - 1; k >= 0; k--)
                {
                    var i = b.Instructions[k];
                    if (!i.HasSideEffects && i.Destination is { } dead && !live.Contains(dead))
                    {
                        b.Instructions.RemoveAt(k);
                        changed = true;
                        continue;
                    }
                    // A call whose result nobody reads still runs, but need not produce the result (the backend
                    // then skips the 1/0 a map helper's bool would cost).
                    if (i is HelperCallInstruction or MapHelperInstruction or FunctionCallInstruction && i.Destination is { } unread && !live.Contains(unread))
                        i.Destination = null;
                    // A packet check whose pointer nobody reads in place need not keep it in a register.
                    if (i is PacketAccessInstruction { View: { } view } access && !live.Contains(view))
                        access.View = null;
                    foreach (var d in i.Definitions) live.Remove(d);
                    foreach (var r in i.Uses) live.Add(r);
                }
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

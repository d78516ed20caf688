using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Reads the source of a register copy instead of the copy, within a block. IL works through its evaluation stack, so
/// the frontend copies a local into a temporary before every use (<c>t = local; u = t &amp; 15</c>); each copy is an
/// instruction and stretches a second live range over the first. Uses of <c>t</c> after <c>t = s</c> read <c>s</c>
/// until either is redefined; dead-code elimination then drops the copy when nothing else reads <c>t</c>. Copies
/// between widths are left alone: a 32-bit copy of a 64-bit value truncates it.
/// </summary>
internal static class PropagateCopies
{
    public static void Run(IrFunction function)
    {
        foreach (var block in function.Blocks)
        {
            // t -> s for every copy still valid at this point of the block.
            var copies = new Dictionary<VirtualRegister, VirtualRegister>();
            foreach (var i in Liveness.Instructions(block))
            {
                for (int k = 0; k < i.Operands.Length; k++)
                    if (i.Operands[k].Register is { } r && copies.TryGetValue(r, out var source))
                        i.Operands[k] = Operand.Of(source);
                if (i.Destination is not { } d) continue;
                foreach (var stale in copies.Where(c => c.Key == d || c.Value == d).Select(c => c.Key).ToList())
                    copies.Remove(stale);
                if (i is MoveInstruction { Source.Register: { } s } && s != d && s.Width == d.Width)
                    copies[d] = s;
            }
        }
    }
}

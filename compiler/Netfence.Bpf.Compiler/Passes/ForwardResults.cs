using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Computes a result straight into the variable it is copied to. IL stores through its evaluation stack
/// (<c>t = a + b; local = t</c>), so nearly every assignment is a computation into a temporary and a copy. When the
/// copy <c>d = t</c> is the next read of <c>t</c> in the same block, <c>t</c> is dead after it, and <c>d</c> is neither
/// read nor written in between, the computation defines <c>d</c> itself and the copy goes: one instruction and one
/// live range fewer, as clang's SSA-based code has it.
/// </summary>
internal static class ForwardResults
{
    public static void Run(IrFunction function)
    {
        var liveness = new Liveness(function);
        var protectedRegisters = function.EntryRegisters.ToHashSet();
        foreach (var block in function.Blocks)
        {
            var instructions = block.Instructions;
            for (int k = 0; k < instructions.Count; k++)
            {
                if (instructions[k].Destination is not { } t || protectedRegisters.Contains(t)) continue;
                int j = NextUse(block, t, k + 1);
                if (j < 0 || j >= instructions.Count || instructions[j] is not MoveInstruction { Source.Register: { } source } copy || source != t) continue;
                var d = copy.Destination!;
                if (d == t || d.Width != t.Width || protectedRegisters.Contains(d) || LiveAfter(block, t, j, liveness)) continue;
                if (instructions.Skip(k + 1).Take(j - k - 1).Any(i => i.Destination == d || i.Uses.Contains(d))) continue;
                if (instructions.Skip(k + 1).Take(j - k - 1).Any(i => i.Destination == t)) continue;
                instructions[k].Destination = d;
                instructions.RemoveAt(j);
            }
        }
    }

    /// <summary>Index of the first instruction at or after <paramref name="from"/> that reads <paramref name="register"/> (the terminator counts as the last); -1 for none.</summary>
    static int NextUse(BasicBlock block, VirtualRegister register, int from)
    {
        for (int k = from; k < block.Instructions.Count; k++)
            if (block.Instructions[k].Uses.Contains(register)) return k;
        return block.Terminator is { } t && t.Uses.Contains(register) ? block.Instructions.Count : -1;
    }

    /// <summary>Whether the register is read after instruction <paramref name="index"/> before being redefined.</summary>
    static bool LiveAfter(BasicBlock block, VirtualRegister register, int index, Liveness liveness)
    {
        foreach (var i in Liveness.Instructions(block).Skip(index + 1))
        {
            if (i.Uses.Contains(register)) return true;
            if (i.Destination == register) return false;
        }
        return liveness.LiveOut[block].Contains(register);
    }
}

using Netfence.Bpf.Compiler.Diagnostics;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Replaces every <see cref="CallInstruction"/> by the callee's body: the call's block is split, the arguments move
/// into the callee's parameters, and each return becomes a move into the call's destination and a jump to the rest
/// of the caller. Instructions keep the positions they were built with, so inlined code carries the callee's C#
/// lines in BTF line info. A call cycle is recursion (NF0012), reported before anything is inlined.
/// </summary>
/// <remarks>
/// Every call of an ordinary method is inlined. Only a <c>[GlobalFunction]</c> is a BPF-to-BPF call: the frontend emits
/// a <see cref="FunctionCallInstruction"/> for it, not a <see cref="CallInstruction"/>, so this pass leaves it alone
/// and the function is compiled once on its own, with pointer parameters the verifier checks once for every caller. For
/// the rest, a callee is built per call site with its C# references bound to the caller's frame slots, and a BPF
/// subprogram has a frame of its own, so a call would have to pass those references as stack pointers, which the
/// verifier tracks less precisely than fixed r10 offsets, and the packet range a callee proved with a check would not
/// survive the return. Inlining keeps each packet check next to its read and lets constant folding see through
/// arguments. The cost is code size, which stays far below the verifier's limits for filter programs; the 512-byte
/// stack limit is the same either way, since the kernel sums the frames of a call chain.
/// </remarks>
internal static class Inlining
{
    public static void Run(IrFunction program)
    {
        RejectCycles(program);
        // Callees inlined first carry their own calls into the program; the loop picks those up in turn.
        bool inlined = true;
        while (inlined)
        {
            inlined = false;
            foreach (var block in program.Blocks.ToList())
            {
                var index = block.Instructions.FindIndex(i => i is CallInstruction);
                if (index < 0) continue;
                Inline(program, block, index);
                inlined = true;
            }
        }
    }

    static void Inline(IrFunction program, BasicBlock block, int index)
    {
        var call = (CallInstruction)block.Instructions[index];
        var callee = call.Callee;
        var rest = program.NewBlock($"{callee.Name}:return");
        rest.Instructions.AddRange(block.Instructions.Skip(index + 1));
        rest.Terminator = block.Terminator;
        block.Instructions.RemoveRange(index, block.Instructions.Count - index);

        var entry = callee.Entry;
        for (int k = 0; k < callee.Parameters.Count; k++)
        {
            if (!ForwardIntoEntry(callee, callee.Parameters[k], call.Operands[k]))
                block.Instructions.Add(new MoveInstruction(callee.EntryPosition, callee.Parameters[k], call.Operands[k]));
        }
        // The callee's entry block holds its parameter and local set-up; it continues the caller's block, as the code
        // before the call does, instead of becoming a block of its own.
        block.Instructions.AddRange(entry.Instructions);
        block.Terminator = entry.Terminator;
        callee.Blocks.Remove(entry);

        foreach (var b in callee.Blocks)
        {
            if (b.Terminator is not ReturnTerminator r) continue;
            if (call.Destination is { } destination) b.Instructions.Add(new MoveInstruction(r.Position, destination, r.Value));
            b.Terminator = new JumpTerminator(r.Position, rest);
        }
        program.Absorb(callee);
    }

    /// <summary>
    /// A parameter read once, by the callee's entry code (an address-taken scalar parameter stored to its slot), takes
    /// the argument directly instead of through a move, as it did when the frontend inlined. Nothing between the
    /// call and that read can change the argument: the entry code only sets up the callee's own variables.
    /// </summary>
    static bool ForwardIntoEntry(IrFunction callee, VirtualRegister parameter, Operand argument)
    {
        var uses = callee.Blocks.SelectMany(Liveness.Instructions).Where(i => i.Uses.Contains(parameter)).Take(2).ToList();
        if (uses.Count != 1 || uses[0] is Terminator || !callee.Entry.Instructions.Contains(uses[0])) return false;
        foreach (var i in callee.Entry.Instructions)
        {
            if (i == uses[0]) break;
            if (i.Destination == parameter || (argument.Register is { } r && i.Destination == r)) return false;
        }
        if (callee.Blocks.SelectMany(b => b.Instructions).Any(i => i != uses[0] && i.Destination == parameter)) return false;
        var operands = uses[0].Operands;
        for (int k = 0; k < operands.Length; k++)
            if (operands[k].Register == parameter) operands[k] = argument;
        return true;
    }

    /// <summary>Reports the first call cycle reachable from the program, naming the chain of calls.</summary>
    static void RejectCycles(IrFunction program)
    {
        var path = new List<IrFunction>();
        var done = new HashSet<IrFunction>();
        void Visit(IrFunction function)
        {
            path.Add(function);
            foreach (var call in function.Blocks.SelectMany(b => b.Instructions).OfType<CallInstruction>())
            {
                if (path.Contains(call.Callee))
                    throw new CompilationAbortedException(DiagnosticCatalogue.Recursion, call.Position, call.Callee.Name,
                        string.Join(" -> ", path.Select(f => f.Name).Append(call.Callee.Name)));
                if (done.Add(call.Callee)) Visit(call.Callee);
            }
            path.RemoveAt(path.Count - 1);
        }
        Visit(program);
    }
}

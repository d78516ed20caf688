using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Replaces a load through a map value pointer by the register an identical earlier load produced, as clang loads
/// <c>value.DenyExpiresNs</c> once for <c>value.DenyExpiresNs == 0 || value.DenyExpiresNs &gt; now</c>. C# reads of a
/// non-volatile field may be merged (another CPU's write between them is a race either way); the program still reads
/// the field at least once, after every write this program makes to map memory. Facts flow along extended basic blocks
/// (a block with one predecessor starts from what held at its end) and end when the pointer or the value register is
/// redefined, and at every write through a pointer and every call (a helper or another program may change the value:
/// a map update, an atomic add).
/// </summary>
internal static class ForwardPointerLoads
{
    readonly record struct Field(VirtualRegister Pointer, int Offset, int Size, bool SignExtend);

    public static void Run(IrFunction function)
    {
        var flow = new ControlFlow(function);
        var atEnd = new Dictionary<BasicBlock, Dictionary<Field, VirtualRegister>>();
        foreach (var block in flow.ReversePostOrder)
        {
            var predecessors = flow.Predecessors[block];
            var facts = predecessors.Count == 1 && atEnd.TryGetValue(predecessors[0], out var inherited) ? new(inherited) : new Dictionary<Field, VirtualRegister>();
            for (int k = 0; k < block.Instructions.Count; k++)
            {
                var i = block.Instructions[k];
                if (i is PointerLoadInstruction load
                    && facts.TryGetValue(new Field(load.Pointer, load.Offset, load.Size, load.SignExtend), out var earlier)
                    && earlier.Width == load.Destination!.Width && earlier != load.Destination)
                {
                    i = block.Instructions[k] = new MoveInstruction(load.Position, load.Destination!, Operand.Of(earlier));
                }
                Update(facts, i);
            }
            atEnd[block] = facts;
        }
    }

    static void Update(Dictionary<Field, VirtualRegister> facts, IrInstruction i)
    {
        if (WritesMapMemory(i))
        {
            facts.Clear();
            return;
        }
        foreach (var d in i.Definitions)
            foreach (var stale in facts.Where(f => f.Key.Pointer == d || f.Value == d).Select(f => f.Key).ToList())
                facts.Remove(stale);
        if (i is PointerLoadInstruction load && load.Destination != load.Pointer)
            facts[new Field(load.Pointer, load.Offset, load.Size, load.SignExtend)] = load.Destination!;
    }

    /// <summary>Whether the instruction may change memory behind a map value pointer: anything with effects beyond the frame, the context and a packet read.</summary>
    static bool WritesMapMemory(IrInstruction i) => i.HasSideEffects && i is not (StackStoreInstruction or StackZeroInstruction or StackCopyInstruction
        or ContextStoreInstruction or PacketAccessInstruction { IsWrite: false } or PointerCopyInstruction { IntoMapValue: false });
}

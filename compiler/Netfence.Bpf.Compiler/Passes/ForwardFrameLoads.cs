using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Replaces a load from the frame by the value known to be there: the register or constant just stored, the register
/// an identical earlier load produced, or zero from a zeroing. C# structs live in the frame, so every field read is a
/// load (<c>destination.Protocol</c> twice in one condition is two loads) and a field written and read back goes
/// through memory. Facts flow along extended basic blocks (a block with a single predecessor starts from what its
/// predecessor knew at its end); any write to the frame ends the facts it overlaps, a redefinition of a register
/// ends the facts it holds, and a global function call ends everything about the slots it is given. A store is
/// forwarded only when the load would read back exactly the stored value: 8 bytes, 4 bytes of a 32-bit value
/// (zero-extended in its register), or fewer bytes of a value every definition of which fits in them (a byte field
/// read and stored into another struct: <c>destination.Protocol = ip.Protocol</c>); sign-extending loads are left
/// alone. A struct copied out of a slot that is itself
/// a copy (IL's <c>ldobj</c> into a temporary, then <c>stloc</c>) is copied from the original instead.
/// </summary>
internal static class ForwardFrameLoads
{
    sealed class Facts
    {
        public Dictionary<(StackSlot Slot, int Offset, int Size), Operand> Values { get; init; } = [];

        public HashSet<(StackSlot Slot, int Byte)> Zero { get; init; } = [];

        /// <summary>Slots whose first bytes are a copy of other memory: a frame range, or a pointer's (a map value, an in parameter).</summary>
        public Dictionary<StackSlot, CopySource> Copies { get; init; } = [];

        public Facts Copy() => new() { Values = new(Values), Zero = new(Zero), Copies = new(Copies) };
    }

    /// <summary>Where a copied slot's bytes came from: <see cref="Frame"/>, or <see cref="Pointer"/> + <see cref="Offset"/>.</summary>
    readonly record struct CopySource(StackAddress? Frame, VirtualRegister? Pointer, int Offset, int Size);

    public static void Run(IrFunction function)
    {
        var flow = new ControlFlow(function);
        var atEnd = new Dictionary<BasicBlock, Facts>();
        var readers = function.Blocks.SelectMany(b => b.Instructions).SelectMany(i => FrameAccesses.Of(i).Where(a => !a.IsWrite).Select(a => a.Address.Slot).Distinct())
            .GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        var narrow = NarrowValues(function);
        foreach (var block in flow.ReversePostOrder)
        {
            var predecessors = flow.Predecessors[block];
            var facts = predecessors.Count == 1 && atEnd.TryGetValue(predecessors[0], out var inherited) ? inherited.Copy() : new Facts();
            for (int k = 0; k < block.Instructions.Count; k++)
            {
                var i = block.Instructions[k];
                if (i is StackLoadInstruction read && facts.Copies.TryGetValue(read.Address.Slot, out var copied) && copied.Frame is { } original
                    && read.Address.Offset + read.Size <= copied.Size)
                {
                    // A field of a struct copied from another frame slot is read from the original, so the copy can die.
                    i = block.Instructions[k] = new StackLoadInstruction(read.Position, read.Destination!, original.At(read.Address.Offset), read.Size, read.SignExtend);
                }
                if (i is StackLoadInstruction { SignExtend: false } load && Known(facts, load) is { } value)
                {
                    i = block.Instructions[k] = new MoveInstruction(load.Position, load.Destination!, value);
                }
                else if (i is StackCopyInstruction copy && facts.Copies.TryGetValue(copy.Source.Slot, out var origin)
                         && copy.Source.Offset + copy.Size <= origin.Size && (origin.Frame is not null || readers[copy.Source.Slot] == 1))
                {
                    // A copy of a copy reads the original, leaving the intermediate to dead-store elimination. Memory
                    // behind a pointer may be a map value another CPU writes: only a temporary read by nothing else is
                    // bypassed, so the program still takes one snapshot of it, only later.
                    i = block.Instructions[k] = origin.Frame is { } frame
                        ? new StackCopyInstruction(copy.Position, copy.Target, frame.At(copy.Source.Offset), copy.Size)
                        : new PointerCopyInstruction(copy.Position, false, copy.Target, origin.Pointer!, origin.Offset + copy.Source.Offset, copy.Size);
                }
                Update(facts, i, narrow);
            }
            atEnd[block] = facts;
        }
    }

    static Operand? Known(Facts facts, StackLoadInstruction load)
    {
        var key = (load.Address.Slot, load.Address.Offset, load.Size);
        if (facts.Values.TryGetValue(key, out var value) && (value.IsConstant || value.Register!.Width == load.Destination!.Width)) return value;
        if (Enumerable.Range(load.Address.Offset, load.Size).All(b => facts.Zero.Contains((load.Address.Slot, b)))) return Operand.Of(0);
        return null;
    }

    /// <summary>
    /// The bytes each register's value fits in, zero-extended, by all of its definitions: a zero-extending load of
    /// that many bytes, a constant, a move of such a value. A 1- or 2-byte store of such a register stores all of it.
    /// </summary>
    static Dictionary<VirtualRegister, int> NarrowValues(IrFunction function)
    {
        var definitions = function.Blocks.SelectMany(b => b.Instructions).SelectMany(i => i.Definitions.Select(d => (d, i)))
            .GroupBy(x => x.d).ToDictionary(g => g.Key, g => g.Select(x => x.i).ToList());
        var narrow = new Dictionary<VirtualRegister, int>();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (register, defs) in definitions)
            {
                int bytes = 0;
                foreach (var d in defs)
                {
                    int? fits = d switch
                    {
                        StackLoadInstruction { SignExtend: false } l when d.Destination == register => l.Size,
                        PointerLoadInstruction { SignExtend: false } l when d.Destination == register => l.Size,
                        ContextLoadInstruction l when d.Destination == register => l.Size,
                        MoveInstruction { Source.IsConstant: true } m => m.Source.Constant switch { >= 0 and <= 0xFF => 1, >= 0 and <= 0xFFFF => 2, _ => null },
                        MoveInstruction { Source.Register: { } source } => narrow.TryGetValue(source, out var n) ? n : null,
                        _ => null,
                    };
                    if (fits is not { } f)
                    {
                        bytes = int.MaxValue;
                        break;
                    }
                    bytes = Math.Max(bytes, f);
                }
                if (bytes < 8 && (!narrow.TryGetValue(register, out var old) || old != bytes))
                {
                    narrow[register] = bytes;
                    changed = true;
                }
                else if (bytes >= 8 && narrow.Remove(register))
                {
                    changed = true;
                }
            }
        }
        return narrow;
    }

    static void Update(Facts facts, IrInstruction i, Dictionary<VirtualRegister, int> narrow)
    {
        foreach (var a in FrameAccesses.Of(i).Where(a => a.IsWrite)) Forget(facts, a.Address.Slot, a.Address.Offset, a.Size);
        if (i is FunctionCallInstruction call)
            foreach (var address in call.Arguments.Select(a => a.Address).OfType<StackAddress>())
                Forget(facts, address.Slot, 0, address.Slot.Size);
        if (i.Destination is { } d)
        {
            foreach (var stale in facts.Values.Where(f => f.Value.Register == d).Select(f => f.Key).ToList())
                facts.Values.Remove(stale);
            foreach (var stale in facts.Copies.Where(c => c.Value.Pointer == d).Select(c => c.Key).ToList())
                facts.Copies.Remove(stale);
        }
        // Memory behind a pointer changes through the pointer, and through helpers and calls.
        if (i is PointerStoreInstruction or PointerCopyInstruction { IntoMapValue: true } or HelperCallInstruction or MapHelperInstruction or FunctionCallInstruction)
            foreach (var stale in facts.Copies.Where(c => c.Value.Pointer is not null).Select(c => c.Key).ToList())
                facts.Copies.Remove(stale);
        switch (i)
        {
            case StackZeroInstruction zero:
                for (int b = 0; b < zero.Size; b++) facts.Zero.Add((zero.Address.Slot, zero.Address.Offset + b));
                break;
            case StackStoreInstruction store when store.Value.IsConstant:
                long mask = store.Size == 8 ? -1L : (1L << (store.Size * 8)) - 1;
                facts.Values[(store.Address.Slot, store.Address.Offset, store.Size)] = Operand.Of(store.Value.Constant & mask);
                break;
            case StackStoreInstruction store when store.Size == 8 || (store.Size == 4 && store.Value.Register!.Width == Width.W32)
                                                  || (narrow.TryGetValue(store.Value.Register!, out var fits) && fits <= store.Size):
                facts.Values[(store.Address.Slot, store.Address.Offset, store.Size)] = store.Value;
                break;
            case StackLoadInstruction { SignExtend: false } load:
                facts.Values[(load.Address.Slot, load.Address.Offset, load.Size)] = Operand.Of(load.Destination!);
                break;
            case StackCopyInstruction copy when copy.Target.Offset == 0 && copy.Target.Slot != copy.Source.Slot:
                facts.Copies[copy.Target.Slot] = new CopySource(copy.Source, null, 0, copy.Size);
                break;
            case PointerCopyInstruction { IntoMapValue: false } copy when copy.Frame.Offset == 0:
                facts.Copies[copy.Frame.Slot] = new CopySource(null, copy.Pointer, copy.Offset, copy.Size);
                break;
        }
    }

    static void Forget(Facts facts, StackSlot slot, int offset, int size)
    {
        facts.Copies.Remove(slot);
        foreach (var stale in facts.Copies.Where(c => c.Value.Frame is { } f && f.Slot == slot && f.Offset < offset + size && offset < f.Offset + c.Value.Size)
                     .Select(c => c.Key).ToList())
            facts.Copies.Remove(stale);
        foreach (var stale in facts.Values.Keys.Where(k => k.Slot == slot && k.Offset < offset + size && offset < k.Offset + k.Size).ToList())
            facts.Values.Remove(stale);
        for (int b = offset; b < offset + size; b++) facts.Zero.Remove((slot, b));
    }
}

using Netfence.Bpf.Asm;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Backend;

/// <summary>
/// Linear-scan allocation of virtual registers to r0–r9, spilling the rest to 8-byte frame slots.
/// </summary>
/// <remarks>
/// A helper or function call clobbers r0–r5, so only r6–r9 survive one. Most values never cross a call, though: a
/// field read and tested, a byte-swapped port compared, a pointer loaded and dereferenced. Those go to r0–r5 when one
/// is free over their whole interval, which leaves r6–r9 to the values that do cross calls (the context, an
/// attachment's value pointer) and keeps them out of spill slots. The instruction selector takes its scratch registers
/// from r0–r5 too, so a value is placed there only where enough of them stay free at every instruction it spans
/// (<see cref="ScratchDemand"/>), never across an instruction that clobbers them all, and never as an operand of one:
/// such an instruction moves its arguments into fixed registers, which could overwrite an operand before it is read.
/// A call's result and a returned value prefer r0, where the call leaves it and the exit wants it.
/// </remarks>
internal sealed class RegisterAllocator
{
    static readonly Register[] CalleeSaved = [Register.R6, Register.R7, Register.R8, Register.R9];

    /// <summary>Caller-saved registers in the order they are tried: the argument registers first, r0 last.</summary>
    static readonly Register[] CallerSaved = [Register.R1, Register.R2, Register.R3, Register.R4, Register.R5, Register.R0];

    static readonly Register[] Arguments = [Register.R1, Register.R2, Register.R3, Register.R4, Register.R5];

    public Dictionary<VirtualRegister, Location> Locations { get; } = [];

    /// <summary>Spill slots needed (8 bytes each); their frame offsets are assigned by the frame layout.</summary>
    public int SpillSlots { get; private set; }

    readonly Dictionary<VirtualRegister, int> _spillIndex = [];

    /// <summary>Where each interval ends.</summary>
    readonly Dictionary<VirtualRegister, int> _ends = [];

    /// <summary>Intervals placed in each caller-saved register, for the selector's choice of scratch registers.</summary>
    readonly Dictionary<Register, List<(int Start, int End)>> _callerSaved = CallerSaved.ToDictionary(r => r, _ => new List<(int, int)>());

    public RegisterAllocator(IrFunction function)
    {
        var instructions = function.Blocks.SelectMany(Liveness.Instructions).ToList();
        var demand = instructions.Select(ScratchDemand.Of).ToArray();
        var occupancy = new int[instructions.Count];
        var intervals = Intervals(function);
        foreach (var (r, _, e) in intervals) _ends[r] = e;
        var entry = function.EntryRegisters.Select((r, k) => (r, k)).ToDictionary(x => x.r, x => x.k);
        var returned = instructions.OfType<ReturnTerminator>().Where(r => r.HasValue && r.Value.Register is not null).Select(r => r.Value.Register!).ToHashSet();
        var occurrences = new Dictionary<VirtualRegister, int>();
        foreach (var i in instructions)
            foreach (var r in i.Uses.Concat(i.Destination is { } d ? [d] : Array.Empty<VirtualRegister>()))
                occurrences[r] = occurrences.GetValueOrDefault(r) + 1;

        var active = new List<(VirtualRegister Reg, int Start, int End, Register Phys)>();
        var free = new Stack<Register>(CalleeSaved.Reverse());
        var spilled = new List<(VirtualRegister Reg, int Start, int End)>();
        foreach (var (reg, start, end) in intervals.OrderBy(x => x.Start).ThenBy(x => x.Reg.Id))
        {
            foreach (var a in active.Where(a => a.End < start).ToList())
            {
                active.Remove(a);
                free.Push(a.Phys);
            }
            var (dying, hint) = start >= 0 ? Reusable(instructions[start], reg, start) : (null, null);
            if (hint is { } callee && CalleeSaved.Contains(callee) && !returned.Contains(reg) && active.FindIndex(a => a.Reg == dying) is var index and >= 0)
            {
                // The operand dies here and its register takes the result in place.
                active.RemoveAt(index);
                active.Add((reg, start, end, callee));
                Locations[reg] = Location.In(callee);
                continue;
            }
            if (CallerSavedFor(reg, start, end, instructions, demand, occupancy, entry, returned, hint) is { } scratchable)
            {
                _callerSaved[scratchable].Add((start, end));
                for (int q = Math.Max(start, 0); q <= end; q++) occupancy[q]++;
                Locations[reg] = Location.In(scratchable);
                continue;
            }
            if (free.Count > 0)
            {
                var phys = free.Pop();
                active.Add((reg, start, end, phys));
                Locations[reg] = Location.In(phys);
                continue;
            }
            // Spill the value with the fewest reads and writes per instruction it spans: each occurrence of a spilled
            // value costs a load or a store, and a register it gives up serves every instruction of its interval.
            double Density(VirtualRegister r, int s, int e) => occurrences.GetValueOrDefault(r) / (double)(e - s + 1);
            var victim = active.MinBy(a => Density(a.Reg, a.Start, a.End));
            if (Density(victim.Reg, victim.Start, victim.End) < Density(reg, start, end))
            {
                active.Remove(victim);
                active.Add((reg, start, end, victim.Phys));
                Locations[reg] = Location.In(victim.Phys);
                spilled.Add((victim.Reg, victim.Start, victim.End));
            }
            else
            {
                spilled.Add((reg, start, end));
            }
        }
        AssignSpillSlots(spilled);
    }

    /// <summary>The caller-saved registers no value occupies at <paramref name="position"/>: the selector's scratch registers there.</summary>
    public List<Register> ScratchAt(int position) =>
        CallerSaved.Where(r => !_callerSaved[r].Any(i => i.Start <= position && position <= i.End)).ToList();

    /// <summary>
    /// The first operand of the instruction defining <paramref name="reg"/> when it dies there, and its register: an
    /// instruction that reads that operand before it writes its result (a move, a two-address ALU operation, an
    /// extension, a load through a pointer) can compute in place, as clang's <c>w1 &amp;= 15</c>, instead of copying
    /// the operand first. Comparisons write their result before they test, and are left out.
    /// </summary>
    (VirtualRegister? Dying, Register? Register) Reusable(IrInstruction defining, VirtualRegister reg, int position)
    {
        if (defining.Destination != reg || defining.Operands.Length == 0 || defining.Operands[0].Register is not { } operand || operand == reg) return (null, null);
        bool inPlace = defining switch
        {
            MoveInstruction => operand.Width == reg.Width,
            BinaryInstruction or UnaryInstruction or ExtendInstruction or ByteSwapInstruction or ContextLoadInstruction or PointerLoadInstruction => true,
            _ => false,
        };
        if (!inPlace || !_ends.TryGetValue(operand, out var end) || end != position || !Locations.TryGetValue(operand, out var location)) return (null, null);
        return (operand, location.Register);
    }

    /// <summary>A caller-saved register the interval can have, or null when it must live in r6–r9 or a spill slot.</summary>
    Register? CallerSavedFor(VirtualRegister reg, int start, int end, List<IrInstruction> instructions, int[] demand, int[] occupancy,
        Dictionary<VirtualRegister, int> entry, HashSet<VirtualRegister> returned, Register? hint)
    {
        for (int q = Math.Max(start, 0); q <= end; q++)
        {
            // A clobbering instruction may define the value (its result arrives in r0) but not read it or run while it lives.
            if (demand[q] == ScratchDemand.All && (q != start || instructions[q].Uses.Contains(reg))) return null;
            if (demand[q] != ScratchDemand.All && occupancy[q] + 1 > CallerSaved.Length - demand[q]) return null;
        }
        IEnumerable<Register> candidates;
        if (entry.TryGetValue(reg, out int argument))
        {
            // An entry value stays in the register it arrived in or moves to r6–r9: moving it to another argument
            // register could overwrite a later argument before the entry code copies it.
            candidates = [Arguments[argument]];
        }
        else
        {
            bool preferR0 = (start >= 0 && demand[start] == ScratchDemand.All && instructions[start].Destination == reg) || returned.Contains(reg);
            candidates = CallerSaved;
            if (hint is { } h && CallerSaved.Contains(h)) candidates = candidates.Where(r => r != h).Prepend(h);
            if (preferR0) candidates = candidates.Where(r => r != Register.R0).Prepend(Register.R0);
        }
        foreach (var r in candidates)
        {
            // The dying operand's interval ends where this one starts; it is the only one that may touch it there.
            if (!_callerSaved[r].Any(i => i.Start <= end && start <= i.End && !(r == hint && i.End == start))) return r;
        }
        return null;
    }

    /// <summary>
    /// Gives each spilled register a slot that no overlapping spilled interval uses. This runs once all spills are
    /// known rather than during the scan: a victim is spilled for its whole interval, which began before the scan
    /// position, so a slot freed by an interval that ended in between is still taken by the victim's early part.
    /// Sorted by start, a slot whose last occupant ended before the next start is free for all of its interval.
    /// </summary>
    void AssignSpillSlots(List<(VirtualRegister Reg, int Start, int End)> spilled)
    {
        var slotEnds = new List<int>();
        foreach (var (reg, start, end) in spilled.OrderBy(x => x.Start).ThenBy(x => x.Reg.Id))
        {
            int slot = slotEnds.FindIndex(e => e < start);
            if (slot < 0)
            {
                slot = slotEnds.Count;
                slotEnds.Add(end);
            }
            else
            {
                slotEnds[slot] = end;
            }
            _spillIndex[reg] = slot;
            Locations[reg] = Location.Spilled(slot);
        }
        SpillSlots = slotEnds.Count;
    }

    /// <summary>Turns spill slot indices into r10 offsets once the frame layout placed the spill area.</summary>
    public void PlaceSpills(int spillAreaOffset)
    {
        foreach (var (reg, index) in _spillIndex)
            Locations[reg] = Location.Spilled(spillAreaOffset + index * 8);
    }

    /// <summary>
    /// Live intervals over the linear instruction order (a block's instructions then its terminator, blocks in layout
    /// order; the selector counts positions the same way), widened to whole blocks where a register is live across them.
    /// </summary>
    static List<(VirtualRegister Reg, int Start, int End)> Intervals(IrFunction function)
    {
        var liveness = new Liveness(function);
        var ranges = new Dictionary<VirtualRegister, (int Start, int End)>();
        void Touch(VirtualRegister r, int position)
        {
            ranges[r] = ranges.TryGetValue(r, out var x) ? (Math.Min(x.Start, position), Math.Max(x.End, position)) : (position, position);
        }
        // The context (a function's parameters) is defined from r1 (r1–r5) before the first instruction.
        foreach (var entry in function.EntryRegisters) Touch(entry, -1);
        int pos = 0;
        foreach (var b in function.Blocks)
        {
            int blockStart = pos;
            foreach (var i in Liveness.Instructions(b))
            {
                foreach (var u in i.Uses) Touch(u, pos);
                // A definition shares its instruction's position with the uses, so it never takes an operand's register.
                if (i.Destination is { } d) Touch(d, pos);
                pos++;
            }
            int blockEnd = pos - 1;
            foreach (var r in liveness.LiveIn[b]) Touch(r, blockStart);
            foreach (var r in liveness.LiveOut[b]) Touch(r, Math.Max(blockEnd, blockStart));
        }
        return ranges.Select(kv => (kv.Key, kv.Value.Start, kv.Value.End)).ToList();
    }
}

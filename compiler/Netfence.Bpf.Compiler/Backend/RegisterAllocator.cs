using Netfence.Bpf.Asm;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Backend;

/// <summary>
/// Linear-scan allocation of virtual registers to r6–r9, spilling the rest to 8-byte frame slots. Only callee-saved
/// registers are allocated: r1–r5 are clobbered by every helper call and r0 by its result, so the instruction
/// selector uses r0–r5 as scratch within one IR instruction and nothing lives in them across instructions.
/// </summary>
internal sealed class RegisterAllocator
{
    static readonly Register[] Pool = [Register.R6, Register.R7, Register.R8, Register.R9];

    public Dictionary<VirtualRegister, Location> Locations { get; } = [];

    /// <summary>Spill slots needed (8 bytes each); their frame offsets are assigned by the frame layout.</summary>
    public int SpillSlots { get; private set; }

    readonly Dictionary<VirtualRegister, int> _spillIndex = [];

    public RegisterAllocator(IrFunction function)
    {
        var intervals = Intervals(function);
        var active = new List<(VirtualRegister Reg, int Start, int End, Register Phys)>();
        var free = new Stack<Register>(Pool.Reverse());
        var spilled = new List<(VirtualRegister Reg, int Start, int End)>();
        foreach (var (reg, start, end) in intervals.OrderBy(x => x.Start).ThenBy(x => x.Reg.Id))
        {
            foreach (var a in active.Where(a => a.End < start).ToList())
            {
                active.Remove(a);
                free.Push(a.Phys);
            }
            if (free.Count > 0)
            {
                var phys = free.Pop();
                active.Add((reg, start, end, phys));
                Locations[reg] = Location.In(phys);
                continue;
            }
            // Spill whichever interval ends last: it would block a register the longest.
            var victim = active.MaxBy(a => a.End);
            if (victim.End > end)
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

    /// <summary>Live intervals over the linear instruction order, widened to whole blocks where a register is live across them.</summary>
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
                // A definition occupies the position after its uses so an instruction may reuse an operand's register.
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

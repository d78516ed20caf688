using Netfence.Bpf.Asm;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Backend;

/// <summary>
/// Priority-based allocation of virtual registers to r0–r9, spilling the rest to 8-byte frame slots.
/// </summary>
/// <remarks>
/// <para>
/// Values are placed in order of spill weight (reads and writes per instruction they are live at), each in the first
/// register where it meets no value placed before, so the values whose spill would cost most get registers first and a
/// value that finds none is spilled. A value occupies exactly the instructions it is live at: a register serves
/// several values along a long program, where one value's first-to-last span would have blocked it throughout.
/// </para>
/// <para>
/// A helper or function call clobbers r0–r5, so only r6–r9 survive one. Most values never cross a call, though: a
/// field read and tested, a byte-swapped port compared, a pointer loaded and dereferenced. Those may go to r0–r5, which
/// leaves r6–r9 to the values that do cross calls. The instruction selector takes its scratch registers from r0–r5 too,
/// so a value is placed there only where enough of them stay free at every instruction it occupies
/// (<see cref="ScratchDemand"/>), never across an instruction that clobbers them all, and never as an operand of one:
/// such an instruction moves its arguments into fixed registers, which could overwrite an operand before it is read.
/// </para>
/// <para>
/// An instruction that reads its first operand before it writes its result (a move, a two-address ALU operation, an
/// extension, a load through a pointer) may give its result the register of that operand when the operand dies there,
/// and then computes in place (clang's <c>w1 &amp;= 15</c>) instead of copying first. A call's result and a returned
/// value prefer r0, where the call leaves it and the exit wants it.
/// </para>
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

    /// <summary>Per register, the value occupying each position (index = position + 1: the entry is position -1).</summary>
    readonly Dictionary<Register, VirtualRegister?[]> _owners;

    public RegisterAllocator(IrFunction function)
    {
        var instructions = function.Blocks.SelectMany(Liveness.Instructions).ToList();
        _owners = CallerSaved.Concat(CalleeSaved).ToDictionary(r => r, _ => new VirtualRegister?[instructions.Count + 1]);
        var demand = instructions.Select(ScratchDemand.Of).ToArray();
        var (occupied, inPlace) = Occupancy(function);
        var entry = function.EntryRegisters.Select((r, k) => (r, k)).ToDictionary(x => x.r, x => x.k);
        var returned = instructions.OfType<ReturnTerminator>().Where(r => r.HasValue && r.Value.Register is not null).Select(r => r.Value.Register!).ToHashSet();
        var callerSavedCount = new int[instructions.Count + 1];
        // A returned value wants r0, and so does what it is computed from in place: the whole chain then stays there.
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var (defined, dying, _) in inPlace)
                if (returned.Contains(defined) && !entry.ContainsKey(dying) && returned.Add(dying)) grew = true;
        }

        var occurrences = new Dictionary<VirtualRegister, int>();
        foreach (var i in instructions)
            foreach (var r in i.Uses.Concat(i.Definitions))
                occurrences[r] = occurrences.GetValueOrDefault(r) + 1;
        double Weight(VirtualRegister r) => occurrences.GetValueOrDefault(r) / (double)occupied[r].Count;

        bool Shares(VirtualRegister a, VirtualRegister b, int position) => inPlace.Contains((a, b, position)) || inPlace.Contains((b, a, position));

        var spilled = new List<VirtualRegister>();
        // The entry registers first: placed before the values around them, they can stay where they arrived.
        foreach (var reg in occupied.Keys.OrderByDescending(r => entry.ContainsKey(r)).ThenByDescending(Weight).ThenBy(r => occupied[r].Min).ThenBy(r => r.Id))
        {
            var positions = occupied[reg];
            bool callerSavedAllowed = CallerSavedAllowed(reg, positions, instructions, demand, callerSavedCount);
            IEnumerable<Register> candidates;
            if (entry.TryGetValue(reg, out int argument))
            {
                // An entry value stays in the register it arrived in or moves to r6–r9: moving it to another argument
                // register could overwrite a later argument before the entry code copies it.
                candidates = CalleeSaved.Prepend(Arguments[argument]);
            }
            else
            {
                var partners = inPlace.Where(p => p.Defined == reg || p.Dying == reg).Select(p => p.Defined == reg ? p.Dying : p.Defined)
                    .Select(p => Locations.TryGetValue(p, out var l) ? l.Register : null).OfType<Register>();
                bool preferR0 = returned.Contains(reg) || positions.Any(q => q >= 0 && demand[q] == ScratchDemand.All && instructions[q].Destination == reg);
                candidates = (preferR0 ? [Register.R0] : Array.Empty<Register>()).Concat(partners).Concat(CallerSaved).Concat(CalleeSaved).Distinct();
            }
            Register? chosen = null;
            foreach (var r in candidates)
            {
                if (!CalleeSaved.Contains(r) && !callerSavedAllowed) continue;
                if (positions.All(q => _owners[r][q + 1] is not { } other || Shares(reg, other, q)))
                {
                    chosen = r;
                    break;
                }
            }
            if (chosen is not { } register)
            {
                spilled.Add(reg);
                continue;
            }
            foreach (var q in positions)
            {
                _owners[register][q + 1] ??= reg;
                if (!CalleeSaved.Contains(register)) callerSavedCount[q + 1]++;
            }
            Locations[reg] = Location.In(register);
        }
        AssignSpillSlots(spilled.Select(r => (r, occupied[r].Min, occupied[r].Max)).ToList());
    }

    /// <summary>The caller-saved registers no value occupies at <paramref name="position"/>: the selector's scratch registers there.</summary>
    public List<Register> ScratchAt(int position) => CallerSaved.Where(r => _owners[r][position + 1] is null).ToList();

    /// <summary>Whether r0–r5 may hold the value: no clobbering instruction reads it or runs while it lives, and enough scratch stays free.</summary>
    static bool CallerSavedAllowed(VirtualRegister reg, SortedSet<int> positions, List<IrInstruction> instructions, int[] demand, int[] callerSavedCount)
    {
        foreach (var q in positions)
        {
            if (q < 0) continue;
            if (demand[q] == ScratchDemand.All)
            {
                // A clobbering instruction may define the value (its result arrives in r0) but neither read it nor run while it lives.
                if (instructions[q].Destination != reg || instructions[q].Uses.Contains(reg)) return false;
            }
            else if (callerSavedCount[q + 1] + 1 > CallerSaved.Length - demand[q])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Where each value is live (the positions of the instructions it is read by, defined by or live across; the
    /// function's entry registers also at -1, where they arrive), and the (defined, dying, position) triples of
    /// instructions that may compute in place in their first operand's register.
    /// </summary>
    static (Dictionary<VirtualRegister, SortedSet<int>> Occupied, HashSet<(VirtualRegister Defined, VirtualRegister Dying, int Position)> InPlace) Occupancy(IrFunction function)
    {
        var liveness = new Liveness(function);
        var occupied = new Dictionary<VirtualRegister, SortedSet<int>>();
        var inPlace = new HashSet<(VirtualRegister, VirtualRegister, int)>();
        void Occupy(VirtualRegister r, int position) => (occupied.TryGetValue(r, out var s) ? s : occupied[r] = []).Add(position);
        foreach (var e in function.EntryRegisters) Occupy(e, -1);
        int start = 0;
        foreach (var block in function.Blocks)
        {
            var instructions = Liveness.Instructions(block).ToList();
            var live = new HashSet<VirtualRegister>(liveness.LiveOut[block]);
            for (int k = instructions.Count - 1; k >= 0; k--)
            {
                var i = instructions[k];
                int position = start + k;
                foreach (var r in live) Occupy(r, position);
                foreach (var d in i.Definitions)
                {
                    Occupy(d, position);
                    if (d == i.Destination && InPlaceOperand(i) is { } operand && !live.Contains(operand)) inPlace.Add((d, operand, position));
                    live.Remove(d);
                }
                foreach (var u in i.Uses)
                {
                    Occupy(u, position);
                    live.Add(u);
                }
            }
            // Values live into the function's entry block from its entry registers occupy the entry itself.
            if (block == function.Entry)
                foreach (var r in live)
                    if (function.EntryRegisters.Contains(r)) Occupy(r, -1);
            start += instructions.Count;
        }
        return (occupied, inPlace);
    }

    /// <summary>The operand an instruction reads before it writes its result, so the result may take its register.</summary>
    static VirtualRegister? InPlaceOperand(IrInstruction i)
    {
        if (i.Operands.Length == 0 || i.Operands[0].Register is not { } operand || operand == i.Destination) return null;
        return i switch
        {
            MoveInstruction => operand.Width == i.Destination!.Width ? operand : null,
            BinaryInstruction or UnaryInstruction or ExtendInstruction or ByteSwapInstruction or ContextLoadInstruction or PointerLoadInstruction
                or PacketLoadInstruction => operand,
            _ => null,
        };
    }

    /// <summary>
    /// Gives each spilled register a slot that no overlapping spilled interval uses (first to last position: slots are
    /// few, and whole spans keep this simple). Sorted by start, a slot whose last occupant ended before the next start is
    /// free for all of its interval.
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
}

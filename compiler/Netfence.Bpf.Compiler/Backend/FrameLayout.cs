using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Backend;

/// <summary>
/// Places frame slots below r10, then the spill area. Slots whose lifetimes never overlap share bytes
/// (<see cref="SlotInterference"/>): after inlining every callee's struct locals are slots of one frame, and giving
/// each its own bytes made the datapath's programs exceed the kernel's 512 bytes although few are live at once.
/// Every slot starts 8-byte aligned (the verifier requires naturally aligned stack accesses, and an 8-aligned base
/// keeps a field's alignment that of its offset in the struct).
/// </summary>
internal static class FrameLayout
{
    public const int MaxStackBytes = 512;

    /// <summary>Assigns offsets; returns the frame size in bytes.</summary>
    public static int Run(IrFunction function, RegisterAllocator allocation)
    {
        var interference = new SlotInterference(function);
        // Largest first, then in creation order: big structs claim the low offsets, small ones fill the gaps.
        var order = interference.Slots.OrderByDescending(s => Rounded(s)).ThenBy(s => s.Id).ToList();
        var placed = new List<(StackSlot Slot, int Start, int End)>();
        int size = 0;
        foreach (var slot in order)
        {
            int start = LowestFreeStart(slot, Rounded(slot), placed, interference);
            placed.Add((slot, start, start + Rounded(slot)));
            slot.FrameOffset = -(start + Rounded(slot));
            size = Math.Max(size, start + Rounded(slot));
        }
        size += allocation.SpillSlots * 8;
        allocation.PlaceSpills(-size);
        return size;
    }

    static int Rounded(StackSlot slot) => (slot.Size + 7) / 8 * 8;

    /// <summary>The lowest 8-aligned start (bytes below r10) where the slot overlaps no interfering slot.</summary>
    static int LowestFreeStart(StackSlot slot, int length, List<(StackSlot Slot, int Start, int End)> placed, SlotInterference interference)
    {
        var taken = placed.Where(p => interference.Interferes(slot, p.Slot)).OrderBy(p => p.Start).ToList();
        int start = 0;
        foreach (var (_, s, e) in taken)
        {
            if (start + length <= s) break;
            start = Math.Max(start, e);
        }
        return start;
    }
}

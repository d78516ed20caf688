using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Backend;

/// <summary>
/// Places every frame slot below r10, each 8-byte aligned (the verifier requires naturally aligned stack accesses,
/// and an 8-aligned base keeps a field's alignment that of its offset in the struct), then the spill area.
/// </summary>
internal static class FrameLayout
{
    public const int MaxStackBytes = 512;

    /// <summary>Assigns offsets; returns the frame size in bytes.</summary>
    public static int Run(IrFunction function, RegisterAllocator allocation)
    {
        int size = 0;
        // Slots whose every use was optimised away take no room.
        var used = Referenced(function);
        foreach (var slot in function.Slots.Where(used.Contains))
        {
            size += (slot.Size + 7) / 8 * 8;
            slot.FrameOffset = -size;
        }
        size += allocation.SpillSlots * 8;
        allocation.PlaceSpills(-size);
        return size;
    }

    static HashSet<StackSlot> Referenced(IrFunction function)
    {
        var used = new HashSet<StackSlot>();
        foreach (var b in function.Blocks)
        {
            foreach (var i in b.Instructions)
            {
                switch (i)
                {
                    case StackLoadInstruction x: used.Add(x.Address.Slot); break;
                    case StackStoreInstruction x: used.Add(x.Address.Slot); break;
                    case StackZeroInstruction x: used.Add(x.Address.Slot); break;
                    case StackCopyInstruction x: used.Add(x.Target.Slot); used.Add(x.Source.Slot); break;
                    case PacketAccessInstruction x: used.Add(x.Buffer.Slot); break;
                    case MapHelperInstruction x:
                        if (x.Output is { } o) used.Add(o.Slot);
                        foreach (var a in x.Arguments)
                            if (a.Address is { } address) used.Add(address.Slot);
                        break;
                }
            }
        }
        return used;
    }
}

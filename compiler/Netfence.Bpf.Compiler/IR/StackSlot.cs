namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// A region of the BPF stack the frontend reserves: a struct local, an address-taken scalar, a map key buffer. Its
/// frame offset is fixed by the backend's frame layout; addresses into it are compile-time (slot, offset) pairs,
/// because after inlining every C# reference points into the program's own frame.
/// </summary>
internal sealed class StackSlot(int id, int size, string name)
{
    public int Id { get; } = id;

    public int Size { get; } = size;

    public string Name { get; } = name;

    /// <summary>Offset from r10 (negative) assigned by the frame layout.</summary>
    public int FrameOffset { get; set; }

    public override string ToString() => $"[{Name}#{Id}:{Size}]";
}

/// <summary>A compile-time address into a <see cref="StackSlot"/>.</summary>
internal readonly record struct StackAddress(StackSlot Slot, int Offset)
{
    public StackAddress At(int delta) => new(Slot, Offset + delta);

    /// <summary>The r10-relative offset once the frame is laid out.</summary>
    public int FrameOffset => Slot.FrameOffset + Offset;

    public override string ToString() => $"{Slot}+{Offset}";
}

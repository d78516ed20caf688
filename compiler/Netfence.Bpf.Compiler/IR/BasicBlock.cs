namespace Netfence.Bpf.Compiler.IR;

/// <summary>A straight-line run of IR instructions ending in a <see cref="Terminator"/>.</summary>
internal sealed class BasicBlock(int id, string label)
{
    public int Id { get; } = id;

    public string Label { get; } = label;

    public List<IrInstruction> Instructions { get; } = [];

    public Terminator? Terminator { get; set; }

    public IEnumerable<BasicBlock> Successors => Terminator?.Successors ?? [];

    public override string ToString() => $"B{Id}";
}

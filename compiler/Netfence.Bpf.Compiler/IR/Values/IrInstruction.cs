namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// One IR instruction. Inputs live in <see cref="Operands"/> so passes can rewrite them uniformly (constant
/// propagation replaces a register with its constant); the kind-specific properties read from that array.
/// </summary>
internal abstract class IrInstruction(SourcePosition? position, VirtualRegister? destination, params Operand[] operands)
{
    public SourcePosition? Position { get; } = position;

    /// <summary>The register written, if any.</summary>
    public VirtualRegister? Destination { get; set; } = destination;

    public Operand[] Operands { get; } = operands;

    /// <summary>
    /// Whether the instruction does more than define <see cref="Destination"/> (stores, helper calls, packet checks):
    /// dead-code elimination keeps such instructions even when the result is unused.
    /// </summary>
    public virtual bool HasSideEffects => false;

    public IEnumerable<VirtualRegister> Uses => Operands.Where(o => !o.IsConstant).Select(o => o.Register!);

    /// <summary>
    /// Every register the instruction writes: <see cref="Destination"/>, and for a packet access the checked pointer
    /// it leaves behind (<see cref="PacketAccessInstruction.View"/>). Liveness, dead-code elimination and the register
    /// allocator go by this; the passes that run before <see cref="Passes.ReadPacketInPlace"/> see no second one.
    /// </summary>
    public virtual IEnumerable<VirtualRegister> Definitions => Destination is { } d ? [d] : [];

    protected string Dest => Destination is null ? "" : $"{Destination} = ";
}

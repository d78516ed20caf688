namespace Netfence.Bpf.Compiler.IR;

/// <summary>The last instruction of a block: where control goes next.</summary>
internal abstract class Terminator(SourcePosition? position, params Operand[] operands) : IrInstruction(position, null, operands)
{
    public abstract IEnumerable<BasicBlock> Successors { get; }

    public override bool HasSideEffects => true;

    /// <summary>Redirects every edge to <paramref name="from"/> towards <paramref name="to"/>.</summary>
    public abstract void Retarget(BasicBlock from, BasicBlock to);
}

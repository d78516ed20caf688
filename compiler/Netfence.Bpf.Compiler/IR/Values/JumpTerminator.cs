namespace Netfence.Bpf.Compiler.IR;

/// <summary>An unconditional jump.</summary>
internal sealed class JumpTerminator(SourcePosition? position, BasicBlock target) : Terminator(position)
{
    public BasicBlock Target { get; private set; } = target;

    public override IEnumerable<BasicBlock> Successors => [Target];

    public override void Retarget(BasicBlock from, BasicBlock to)
    {
        if (Target == from) Target = to;
    }

    public override string ToString() => $"jump {Target}";
}

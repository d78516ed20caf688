namespace Netfence.Bpf.Compiler.IR;

/// <summary>A two-way branch on a comparison (JMP or JMP32 by width).</summary>
internal sealed class BranchTerminator(SourcePosition? position, Condition condition, Width width, Operand left, Operand right, BasicBlock whenTrue, BasicBlock whenFalse)
    : Terminator(position, left, right)
{
    public Condition Condition { get; } = condition;

    public Width Width { get; } = width;

    public Operand Left => Operands[0];

    public Operand Right => Operands[1];

    public BasicBlock WhenTrue { get; private set; } = whenTrue;

    public BasicBlock WhenFalse { get; private set; } = whenFalse;

    public override IEnumerable<BasicBlock> Successors => [WhenTrue, WhenFalse];

    public override void Retarget(BasicBlock from, BasicBlock to)
    {
        if (WhenTrue == from) WhenTrue = to;
        if (WhenFalse == from) WhenFalse = to;
    }

    public override string ToString() => $"if {Condition}.{Width} {Left}, {Right} then {WhenTrue} else {WhenFalse}";
}

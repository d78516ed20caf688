namespace Netfence.Bpf.Compiler.IR;

/// <summary>Returns the program's verdict in r0.</summary>
internal sealed class ReturnTerminator(SourcePosition? position, Operand value) : Terminator(position, value)
{
    public Operand Value => Operands[0];

    public override IEnumerable<BasicBlock> Successors => [];

    public override void Retarget(BasicBlock from, BasicBlock to)
    {
    }

    public override string ToString() => $"return {Value}";
}

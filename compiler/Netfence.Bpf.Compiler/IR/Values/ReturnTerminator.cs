namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// Leaves the function: a program returns its verdict in r0; a called method returns its scalar result, or nothing
/// (void, or a result it stored into the caller's frame).
/// </summary>
internal sealed class ReturnTerminator : Terminator
{
    public ReturnTerminator(SourcePosition? position, Operand value) : base(position, value)
    {
    }

    /// <summary>A return without a value, from a called method.</summary>
    public ReturnTerminator(SourcePosition? position) : base(position)
    {
    }

    public bool HasValue => Operands.Length == 1;

    public Operand Value => HasValue ? Operands[0] : throw new InvalidOperationException("a return without a value");

    public override IEnumerable<BasicBlock> Successors => [];

    public override void Retarget(BasicBlock from, BasicBlock to)
    {
    }

    public override string ToString() => HasValue ? $"return {Value}" : "return";
}

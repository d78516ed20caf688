namespace Netfence.Bpf.Compiler.IR;

/// <summary>A call of a helper that takes only scalars (ktime, prandom, pid_tgid): arguments in r1–r5, result in r0.</summary>
internal sealed class HelperCallInstruction(SourcePosition? position, int helperId, VirtualRegister? destination, Operand[] arguments)
    : IrInstruction(position, destination, arguments)
{
    public int HelperId { get; } = helperId;

    public override bool HasSideEffects => true;

    public override string ToString() => $"{Dest}call {HelperId}({string.Join(", ", Operands)})";
}

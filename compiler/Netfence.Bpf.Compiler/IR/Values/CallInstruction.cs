namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// A call of a user method's function: the operands become the callee's <see cref="IrFunction.Parameters"/>, its
/// returned scalar the destination. The frontend makes one callee per call site (see the inlining pass for why), and
/// the inlining pass replaces every call before the backend runs.
/// </summary>
internal sealed class CallInstruction(SourcePosition? position, VirtualRegister? destination, IrFunction callee, Operand[] arguments)
    : IrInstruction(position, destination, arguments)
{
    public IrFunction Callee { get; } = callee;

    public override bool HasSideEffects => true;

    public override string ToString() => $"{Dest}call {Callee.Name}({string.Join(", ", Operands)})";
}

namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// A BPF-to-BPF call of a global function: arguments in r1–r5 (frame addresses as pointers, registers as they are,
/// pointers included), the 32-bit result in r0. The callee keeps r6–r9 and has its own frame, so nothing of the
/// caller but r0–r5 is clobbered. The call is relocated against the function's symbol in .text.
/// </summary>
internal sealed class FunctionCallInstruction(SourcePosition? position, string function, VirtualRegister? destination, IReadOnlyList<MapHelperArgument> arguments)
    : IrInstruction(position, destination, arguments.Where(a => a.Address is null).Select(a => a.Value).ToArray())
{
    /// <summary>The callee's symbol.</summary>
    public string Function { get; } = function;

    /// <summary>Arguments in order; scalar ones read their operand from <see cref="IrInstruction.Operands"/>.</summary>
    public IReadOnlyList<MapHelperArgument> Arguments { get; } = arguments;

    public override bool HasSideEffects => true;

    /// <summary>The operand of scalar argument <paramref name="index"/> (its position among the scalar arguments).</summary>
    public Operand ScalarOperand(int index) => Operands[index];

    public override string ToString() => $"{Dest}call {Function}({string.Join(", ", Arguments.Select(a => a.Address?.ToString() ?? a.Value.ToString()))})";
}

using Netfence.Bpf.Compiler.Diagnostics;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Rejects the divisions whose .NET meaning the kernel does not share. The kernel's division by zero yields 0 (and its
/// remainder the dividend) where .NET throws, so every divisor must be proven non-zero (NF0017): a non-zero constant,
/// or a variable a dominating test rules zero out (d != 0, d &gt; 0, ...), as the analyzer accepts it. A signed
/// 32- or 64-bit division also overflows in .NET for MinValue / -1 and MinValue % -1 (the kernel's emulation wraps),
/// so it also needs a divisor proven not -1 or a dividend proven not MinValue (NF0035). Runs after constant folding,
/// which turns constants materialised through conversions (a long divisor from ldc.i4 + conv.i8) into operands.
/// </summary>
internal static class ProveDivisors
{
    public static void Run(IrFunction function, DiagnosticBag diagnostics)
    {
        var facts = new ValueFacts(function);
        foreach (var block in function.Blocks)
        {
            for (int index = 0; index < block.Instructions.Count; index++)
            {
                var i = block.Instructions[index];
                var (dividend, divisor, signed, width) = i switch
                {
                    BinaryInstruction { Operation: BinaryOperation.UnsignedDivide or BinaryOperation.UnsignedRemainder } b => (b.Left, (Operand?)b.Right, false, b.Width),
                    SignedDivisionInstruction s => (s.Dividend, s.Divisor, true, s.Width),
                    _ => (default(Operand), default(Operand?), false, Width.W32),
                };
                if (divisor is not { } d) continue;
                if (!Excludes(facts, d, 0, width, block, index))
                    diagnostics.Report(DiagnosticCatalogue.DivisionByUnprovenDivisor, i.Position, Describe(facts, d, width, signed, block, index));
                else if (signed && !Excludes(facts, d, -1, width, block, index) && !facts.CannotBeMinValue(dividend, width, block, index))
                    diagnostics.Report(DiagnosticCatalogue.SignedDivisionOverflow, i.Position, Describe(facts, d, width, signed, block, index));
            }
        }
    }

    static bool Excludes(ValueFacts facts, Operand value, long excluded, Width width, BasicBlock block, int index) =>
        value.Register is { } register
            ? facts.Excludes(register, excluded, block, index)
            : Condition.NotEqual.Evaluate(width, value.Constant, excluded);

    static string Describe(ValueFacts facts, Operand divisor, Width width, bool signed, BasicBlock block, int index)
    {
        if (divisor.Register is { } register) return facts.NameOf(register, block, index);
        long value = width == Width.W32 ? (signed ? (int)divisor.Constant : (uint)divisor.Constant) : divisor.Constant;
        return signed || width == Width.W32 ? value.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : ((ulong)value).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

using Netfence.Bpf.Compiler.Diagnostics;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// The kernel's division by zero yields 0 where C# throws, and C#'s int.MinValue / -1 throws too. A division is
/// accepted when its divisor is a constant (checked by the frontend) or a register defined once that a dominating
/// branch tested: != 0 (or &gt; 0) for unsigned division, &gt; 0 for signed division (which rules out -1 as well).
/// </summary>
internal static class ProveDivisors
{
    public static void Run(IrFunction function, DiagnosticBag diagnostics)
    {
        var flow = new ControlFlow(function);
        var dominators = new Dominators(function, flow);
        var definitions = new Dictionary<VirtualRegister, List<BasicBlock>>();
        foreach (var b in function.Blocks)
            foreach (var i in b.Instructions)
                if (i.Destination is { } d) (definitions.TryGetValue(d, out var l) ? l : definitions[d] = []).Add(b);

        foreach (var block in function.Blocks)
        {
            foreach (var i in block.Instructions)
            {
                var (divisor, signed, width) = i switch
                {
                    BinaryInstruction { Operation: BinaryOperation.UnsignedDivide or BinaryOperation.UnsignedRemainder } b => (b.Right, false, b.Width),
                    SignedDivisionInstruction s => (s.Divisor, true, s.Width),
                    _ => (default(Operand?), false, Width.W32),
                };
                if (divisor is not { } d) continue;
                if (d.IsConstant)
                {
                    long value = width == Width.W32 ? (signed ? (int)d.Constant : (uint)d.Constant) : d.Constant;
                    if (signed ? value > 0 : value != 0) continue;
                    diagnostics.Report(DiagnosticCatalogue.DivisionByUnprovenDivisor, i.Position, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    continue;
                }
                var register = d.Register!;
                var defined = definitions.GetValueOrDefault(register) ?? [];
                if (Guarded(register, signed, block, defined, flow, dominators)) continue;
                diagnostics.Report(DiagnosticCatalogue.DivisionByUnprovenDivisor, i.Position, register.Name);
            }
        }
    }

    static bool Guarded(VirtualRegister register, bool signed, BasicBlock use, List<BasicBlock> definitions, ControlFlow flow, Dominators dominators)
    {
        foreach (var b in flow.ReversePostOrder)
        {
            if (b.Terminator is not BranchTerminator branch || !dominators.Dominates(b, use)) continue;
            if (branch.Left.Register != register || !branch.Right.IsConstant || branch.Right.Constant != 0) continue;
            // The edge that establishes the fact must be the only way into the block that leads to the use.
            foreach (var (target, holds) in new[] { (branch.WhenTrue, branch.Condition), (branch.WhenFalse, branch.Condition.Negate()) })
            {
                if (flow.Predecessors[target].Count != 1 || !dominators.Dominates(target, use)) continue;
                bool proven = holds switch
                {
                    Condition.SignedGreater => true,
                    Condition.NotEqual or Condition.UnsignedGreater => !signed,
                    _ => false,
                };
                // Every assignment must come before the test (its block dominates the test's): then no path from the
                // tested edge to the division can assign the register again without passing the test anew.
                if (proven && definitions.All(d => dominators.Dominates(d, b))) return true;
            }
        }
        return false;
    }
}

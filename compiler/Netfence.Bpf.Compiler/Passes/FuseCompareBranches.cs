using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Turns "t = a cond b; if t != 0" (and "== 0") at the end of a block into one "if a cond b", when the comparison is
/// t's only definition and sits in the same block with neither a nor b redefined after it. IL does this constantly
/// (a bool-returning SDK call or a comparison stored to a bool and then branched on), and the verifier needs it for
/// a map value reference: only a branch on the pointer register itself marks the pointer non-null on one side.
/// The comparison is left in place for dead-code elimination to remove when nothing else reads t.
/// </summary>
internal static class FuseCompareBranches
{
    public static void Run(IrFunction function)
    {
        var definitions = new Dictionary<VirtualRegister, int>();
        foreach (var b in function.Blocks)
            foreach (var i in b.Instructions)
                if (i.Destination is { } d)
                    definitions[d] = definitions.GetValueOrDefault(d) + 1;

        foreach (var b in function.Blocks)
        {
            if (b.Terminator is not BranchTerminator { Right.IsConstant: true, Right.Constant: 0, Left.Register: { } flag } branch) continue;
            if (branch.Condition is not (Condition.Equal or Condition.NotEqual) || definitions.GetValueOrDefault(flag) != 1) continue;
            int at = b.Instructions.FindLastIndex(i => i.Destination == flag);
            if (at < 0 || b.Instructions[at] is not CompareInstruction compare) continue;
            var operands = compare.Uses.ToHashSet();
            if (b.Instructions.Skip(at + 1).Any(i => i.Destination is { } d && operands.Contains(d))) continue;
            var condition = branch.Condition == Condition.NotEqual ? compare.Condition : compare.Condition.Negate();
            b.Terminator = new BranchTerminator(branch.Position, condition, compare.Width, compare.Left, compare.Right, branch.WhenTrue, branch.WhenFalse);
        }
    }
}

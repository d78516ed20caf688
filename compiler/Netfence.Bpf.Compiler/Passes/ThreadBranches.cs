using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Jump threading for the booleans IL materialises. C#'s <c>a &amp;&amp; (b || c)</c>, a bool-returning inlined method
/// and <c>x ? 1 : 0</c> all compile to blocks that set a temporary to 1 or 0 (or to a comparison's result) and jump
/// to one block that copies it into a local and branches on it. Emitted as they are, each costs a materialised
/// comparison, moves and a second branch where clang emits one conditional jump. This pass sends each such predecessor
/// straight to the branch's outcome:
/// <list type="bullet">
/// <item>When the predecessor's constants decide the branch, it runs the join block's moves itself and jumps to the
/// side the branch would take.</item>
/// <item>When the predecessor ends by computing the tested value with a comparison, it branches on the comparison
/// instead, into two new blocks that set the value to 1 and 0, run the moves, and jump on as the first case does.</item>
/// <item>An empty block that only jumps on is bypassed, by jumps and branches alike.</item>
/// </list>
/// Every variable ends with the value it had, so dead-code elimination removes what nobody reads afterwards. Loop
/// headers are never threaded through: a jump past the header into the loop's body would make the loop irreducible,
/// which neither the loop-bound proof nor the verifier's bounded-loop walk accepts.
/// </summary>
internal static class ThreadBranches
{
    /// <summary>How many moves a join block may have for its predecessors to take a copy of them.</summary>
    const int MaxCopiedMoves = 4;

    /// <summary>
    /// A bound on the rounds, each of which rewrites at least one jump: copying moves and splitting blocks grows the
    /// code only where a branch disappears, but the bound keeps a pathological graph from costing unbounded time.
    /// Stopping early leaves correct, only less threaded, code.
    /// </summary>
    const int MaxRounds = 1000;

    public static void Run(IrFunction function)
    {
        bool changed = true;
        for (int round = 0; changed && round < MaxRounds; round++)
        {
            changed = false;
            var flow = new ControlFlow(function);
            var headers = new Loops(flow, new Dominators(function, flow)).Headers.ToHashSet();
            foreach (var block in flow.ReversePostOrder)
            {
                if (block.Terminator is BranchTerminator decided && Outcome(ConstantsAtEnd(block.Instructions), [], decided) is { } known)
                {
                    // A local assigned a constant earlier in the same block (IL locals have several definitions, so
                    // constant folding leaves them alone).
                    block.Terminator = new JumpTerminator(decided.Position, known);
                    changed = true;
                    continue;
                }
                if (block.Terminator is BranchTerminator conditional)
                {
                    foreach (var side in conditional.Successors.Distinct().ToList())
                    {
                        if (side.Instructions.Count == 0 && side.Terminator is JumpTerminator { Target: var forward } && forward != side)
                        {
                            conditional.Retarget(side, forward);
                            changed = true;
                        }
                    }
                    if (conditional.WhenTrue == conditional.WhenFalse) block.Terminator = new JumpTerminator(conditional.Position, conditional.WhenTrue);
                    continue;
                }
                if (block.Terminator is not JumpTerminator jump || jump.Target == block || headers.Contains(jump.Target)) continue;
                var join = jump.Target;
                if (join.Instructions.Count == 0 && join.Terminator is JumpTerminator onward && onward.Target != join)
                {
                    block.Terminator = new JumpTerminator(jump.Position, onward.Target);
                    changed = true;
                }
                else if (Thread(function, block, join))
                {
                    changed = true;
                }
            }
            if (changed) DeadCodeElimination.Run(function);
        }
    }

    static bool Thread(IrFunction function, BasicBlock block, BasicBlock join)
    {
        if (join.Terminator is not BranchTerminator branch || join.Instructions.Count > MaxCopiedMoves
            || !join.Instructions.All(i => i is MoveInstruction)) return false;
        var joinMoves = join.Instructions.Cast<MoveInstruction>().ToList();
        if (Outcome(ConstantsAtEnd(block.Instructions), joinMoves, branch) is { } target)
        {
            block.Instructions.AddRange(Copy(joinMoves));
            block.Terminator = new JumpTerminator(branch.Position, target);
            return true;
        }
        // The predecessor ends with t = a cond b (then perhaps moves of t, IL's stack temporaries): branch on a cond b
        // into blocks where t is 1 and 0.
        int at = block.Instructions.FindLastIndex(i => i is CompareInstruction);
        if (at < 0) return false;
        var compare = (CompareInstruction)block.Instructions[at];
        var trailing = block.Instructions.Skip(at + 1).ToList();
        var operands = compare.Uses.Append(compare.Destination!).ToHashSet();
        if (trailing.Count > MaxCopiedMoves || !trailing.All(i => i is MoveInstruction m && !operands.Contains(m.Destination!))) return false;
        var moves = trailing.Cast<MoveInstruction>().Concat(joinMoves).ToList();
        var known = ConstantsAtEnd(block.Instructions.Take(at));
        var flag = compare.Destination!;
        if (Outcome(new(known) { [flag] = 1 }, moves, branch) is not { } trueTarget
            || Outcome(new(known) { [flag] = 0 }, moves, branch) is not { } falseTarget) return false;
        block.Instructions.RemoveRange(at, block.Instructions.Count - at);
        block.Terminator = new BranchTerminator(compare.Position, compare.Condition, compare.Width, compare.Left, compare.Right,
            Setting(function, compare, 1, moves, join, trueTarget), Setting(function, compare, 0, moves, join, falseTarget));
        return true;
    }

    /// <summary>A block for one side of a comparison: the comparison's result as a constant, the moves, the jump on.</summary>
    static BasicBlock Setting(IrFunction function, CompareInstruction compare, long value, List<MoveInstruction> moves, BasicBlock join, BasicBlock target)
    {
        var b = function.NewBlock($"{join.Label}:{(value == 1 ? "true" : "false")}");
        b.Instructions.Add(new MoveInstruction(compare.Position, compare.Destination!, Operand.Of(value)));
        b.Instructions.AddRange(Copy(moves));
        b.Terminator = new JumpTerminator(join.Terminator!.Position, target);
        return b;
    }

    static List<MoveInstruction> Copy(IEnumerable<MoveInstruction> moves) =>
        moves.Select(m => new MoveInstruction(m.Position, m.Destination!, m.Source)).ToList();

    /// <summary>Registers holding a known constant after the instructions: set by a constant move (or arithmetic on known constants) and not redefined since.</summary>
    static Dictionary<VirtualRegister, long> ConstantsAtEnd(IEnumerable<IrInstruction> instructions, Dictionary<VirtualRegister, long>? before = null)
    {
        var known = new Dictionary<VirtualRegister, long>(before ?? []);
        foreach (var i in instructions)
        {
            if (i.Destination is not { } d) continue;
            if (i is MoveInstruction m && Value(known, m.Source) is { } c) known[d] = Truncate(c, d.Width);
            else if (i is BinaryInstruction { Operation: not (BinaryOperation.UnsignedDivide or BinaryOperation.UnsignedRemainder) } b
                     && Value(known, b.Left) is { } l && Value(known, b.Right) is { } r)
                known[d] = Truncate(ConstantFolding.Evaluate(b.Operation, b.Width, l, r), d.Width);
            else known.Remove(d);
        }
        return known;
    }

    /// <summary>Where the branch goes after the moves, given the constants known before them; null when they do not decide it.</summary>
    static BasicBlock? Outcome(Dictionary<VirtualRegister, long> known, List<MoveInstruction> moves, BranchTerminator branch)
    {
        var values = ConstantsAtEnd(moves, known);
        if (Value(values, branch.Left) is not { } left || Value(values, branch.Right) is not { } right) return null;
        return branch.Condition.Evaluate(branch.Width, left, right) ? branch.WhenTrue : branch.WhenFalse;
    }

    static long? Value(Dictionary<VirtualRegister, long> known, Operand operand) =>
        operand.IsConstant ? operand.Constant : known.TryGetValue(operand.Register!, out var c) ? c : null;

    static long Truncate(long value, Width width) => width == Width.W32 ? (uint)value : value;
}

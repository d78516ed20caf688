using Netfence.Bpf.Compiler.Diagnostics;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;
using Comparison = Netfence.Bpf.Diagnostics.LoopBoundRule.Comparison;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// NF0013 on the control-flow graph, by the rule the analyzer applies to C# loops (<see cref="LoopBoundRule"/>): a
/// natural loop is accepted when a branch that leaves it, in a block dominating every back edge (so it runs in every
/// iteration), compares a counter with a bound, and the counter's only definition in the loop is one constant step
/// towards that bound in a block that also dominates every back edge. The graph shows what source does not: goto
/// loops, loops in inlined callees, counters changed through paths the syntax hides. Accepted loops are emitted as
/// they are, as bounded loops the verifier walks (kernel 5.3 and later).
/// </summary>
internal static class ProveLoopBounds
{
    public static void Run(IrFunction function, DiagnosticBag diagnostics)
    {
        var flow = new ControlFlow(function);
        var dominators = new Dominators(function, flow);
        var loops = new Loops(flow, dominators);
        var definitions = new Dictionary<VirtualRegister, List<(IrInstruction Instruction, BasicBlock Block)>>();
        foreach (var b in function.Blocks)
            foreach (var i in b.Instructions)
                if (i.Destination is { } d) (definitions.TryGetValue(d, out var l) ? l : definitions[d] = []).Add((i, b));

        foreach (var header in loops.Headers)
        {
            var latches = loops.BackEdges.Where(e => e.Header == header).Select(e => e.From).ToList();
            var body = NaturalLoop(header, latches, flow);
            bool EveryIteration(BasicBlock b) => latches.All(l => dominators.Dominates(b, l));
            string? problem = null;
            bool bounded = false;
            foreach (var block in body.Where(EveryIteration))
            {
                if (block.Terminator is not BranchTerminator branch) continue;
                bool trueStays = body.Contains(branch.WhenTrue), falseStays = body.Contains(branch.WhenFalse);
                if (trueStays == falseStays) continue;
                var stays = trueStays ? branch.Condition : branch.Condition.Negate();
                if (!TryCounterTest(branch, stays, definitions, out var counter, out var continueWhile)) continue;
                if (Step(counter, body, definitions, EveryIteration) is { } step && LoopBoundRule.StepReachesBound(continueWhile, step))
                {
                    bounded = true;
                    break;
                }
                problem ??= LoopBoundRule.CounterNotStepped(counter.Name);
            }
            if (!bounded)
                diagnostics.Report(DiagnosticCatalogue.UnboundedLoop, Position(header), problem ?? LoopBoundRule.NoBoundedExit);
        }
    }

    /// <summary>The header and every block that reaches a back edge without passing through the header.</summary>
    static HashSet<BasicBlock> NaturalLoop(BasicBlock header, List<BasicBlock> latches, ControlFlow flow)
    {
        var body = new HashSet<BasicBlock> { header };
        var pending = new Stack<BasicBlock>(latches);
        while (pending.Count > 0)
        {
            var b = pending.Pop();
            if (!body.Add(b)) continue;
            foreach (var p in flow.Predecessors[b]) pending.Push(p);
        }
        return body;
    }

    /// <summary>
    /// A counter: a register, or a frame slot for a local whose address is taken (passed by in to a packet write,
    /// say), which the exit test reads through a load.
    /// </summary>
    sealed record Counter(VirtualRegister? Register, StackSlot? Slot)
    {
        public string Name => Register?.Name ?? Slot!.Name;
    }

    static bool TryCounterTest(BranchTerminator branch, Condition stays, Dictionary<VirtualRegister, List<(IrInstruction Instruction, BasicBlock Block)>> definitions,
        out Counter counter, out Comparison continueWhile)
    {
        counter = null!;
        continueWhile = ToComparison(stays);
        if (branch.Left.Register is { } left && IsBound(branch.Right, definitions, 0))
        {
            counter = CounterOf(left, definitions);
            return true;
        }
        if (branch.Right.Register is { } right && IsBound(branch.Left, definitions, 0))
        {
            counter = CounterOf(right, definitions);
            continueWhile = LoopBoundRule.Swap(continueWhile);
            return true;
        }
        return false;
    }

    static Counter CounterOf(VirtualRegister tested, Dictionary<VirtualRegister, List<(IrInstruction Instruction, BasicBlock Block)>> definitions) =>
        definitions.GetValueOrDefault(tested, []) is [{ Instruction: StackLoadInstruction load }] ? new Counter(null, load.Address.Slot) : new Counter(tested, null);

    static Comparison ToComparison(Condition condition) => condition switch
    {
        Condition.SignedLess or Condition.UnsignedLess => Comparison.Less,
        Condition.SignedLessOrEqual or Condition.UnsignedLessOrEqual => Comparison.LessOrEqual,
        Condition.SignedGreater or Condition.UnsignedGreater => Comparison.Greater,
        Condition.SignedGreaterOrEqual or Condition.UnsignedGreaterOrEqual => Comparison.GreaterOrEqual,
        Condition.NotEqual => Comparison.NotEqual,
        _ => Comparison.Equal,
    };

    /// <summary>A constant, a configuration load, or arithmetic over them, each register defined once.</summary>
    static bool IsBound(Operand operand, Dictionary<VirtualRegister, List<(IrInstruction Instruction, BasicBlock)>> definitions, int depth)
    {
        if (operand.IsConstant) return true;
        if (depth > 8 || !definitions.TryGetValue(operand.Register!, out var defs) || defs.Count != 1) return false;
        return defs[0].Instruction switch
        {
            ConfigLoadInstruction => true,
            MoveInstruction or ExtendInstruction or BinaryInstruction => defs[0].Instruction.Operands.All(o => IsBound(o, definitions, depth + 1)),
            _ => false,
        };
    }

    /// <summary>
    /// The counter's step when its only definition in the loop is counter = counter ± constant (directly, or through the
    /// temporaries of IL's ldloc/add/stloc) in a block run in every iteration; null otherwise.
    /// </summary>
    static long? Step(Counter counter, HashSet<BasicBlock> body, Dictionary<VirtualRegister, List<(IrInstruction Instruction, BasicBlock Block)>> definitions,
        Func<BasicBlock, bool> everyIteration)
    {
        var writes = body.SelectMany(b => b.Instructions.Select(i => (Instruction: i, Block: b)))
            .Where(d => counter.Register is { } r ? d.Instruction.Destination == r : Writes(d.Instruction, counter.Slot!)).ToList();
        if (writes.Count != 1 || !everyIteration(writes[0].Block)) return null;
        var value = writes[0].Instruction switch
        {
            MoveInstruction move => move.Source,
            StackStoreInstruction store when store.Address.Offset == 0 => store.Value,
            _ => default(Operand?),
        };
        var step = writes[0].Instruction is BinaryInstruction direct ? direct
            : value?.Register is { } temporary && definitions.GetValueOrDefault(temporary, []) is [var only] ? only.Instruction : null;
        if (step is not BinaryInstruction { Operation: BinaryOperation.Add or BinaryOperation.Subtract } binary) return null;
        bool IsCounter(Operand o) => o.Register is { } r && (r == counter.Register ||
            (counter.Slot is { } slot && definitions.GetValueOrDefault(r, []) is [{ Instruction: StackLoadInstruction { Address.Offset: 0 } load }] && load.Address.Slot == slot));
        Operand amount;
        if (IsCounter(binary.Left)) amount = binary.Right;
        else if (binary.Operation == BinaryOperation.Add && IsCounter(binary.Right)) amount = binary.Left;
        else return null;
        if (!amount.IsConstant) return null;
        long constant = binary.Width == Width.W32 ? (int)amount.Constant : amount.Constant;
        return binary.Operation == BinaryOperation.Add ? constant : -constant;
    }

    /// <summary>Whether the instruction may store into <paramref name="slot"/>.</summary>
    static bool Writes(IrInstruction instruction, StackSlot slot) => instruction switch
    {
        StackStoreInstruction store => store.Address.Slot == slot,
        StackCopyInstruction copy => copy.Target.Slot == slot,
        StackZeroInstruction zero => zero.Address.Slot == slot,
        PacketAccessInstruction { IsWrite: false } read => read.Buffer.Slot == slot,
        MapHelperInstruction { Output: { } output } => output.Slot == slot,
        _ => false,
    };

    /// <summary>Where to report: the loop's exit test if the header has one, else the header's first statement.</summary>
    static SourcePosition? Position(BasicBlock header) =>
        header.Terminator is BranchTerminator { Position: { } test } ? test
            : header.Instructions.Select(i => i.Position).FirstOrDefault(p => p is not null) ?? header.Terminator?.Position;
}

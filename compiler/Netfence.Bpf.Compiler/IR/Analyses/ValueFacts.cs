namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// What the program's tests and definitions say about a value at one instruction: whether a dominating branch rules
/// out a given value (a divisor of 0 or -1), and whether its definitions keep it narrower than its width (a dividend
/// that cannot be MinValue). Values are traced back to the variable they were read from, through the loads, moves and
/// extensions of the same block: IL reads a local into a fresh temporary for the test and again for the division
/// (an 'out var' local lives in the frame, a small integer is loaded sign- or zero-extended), and the two
/// temporaries stand for the same value when they read the same variable in the same way.
/// </summary>
internal sealed class ValueFacts
{
    readonly ControlFlow _flow;
    readonly Dominators _dominators;
    readonly Dictionary<VirtualRegister, List<Site>> _definitions = [];
    readonly List<(Site Site, StackAddress? Address, int Size)> _frameWrites = [];

    /// <summary>An instruction's place; the terminator's index is the block's instruction count.</summary>
    readonly record struct Site(BasicBlock Block, int Index, IrInstruction Instruction);

    /// <summary>Bytes of a frame slot read as one scalar.</summary>
    sealed record FrameBytes(StackSlot Slot, int Offset, int Size);

    /// <summary>
    /// A value as a variable (a <see cref="VirtualRegister"/> or <see cref="FrameBytes"/>) read at
    /// <see cref="ReadAt"/> and converted by <see cref="Conversions"/>; two values with the same variable and
    /// conversions are equal when the variable was not written in between.
    /// </summary>
    sealed record Source(object Variable, string Conversions, Site ReadAt)
    {
        public bool SameValueAs(Source other) => Variable.Equals(other.Variable) && Conversions == other.Conversions;
    }

    public ValueFacts(IrFunction function)
    {
        _flow = new ControlFlow(function);
        _dominators = new Dominators(function, _flow);
        foreach (var b in function.Blocks)
        {
            for (int k = 0; k < b.Instructions.Count; k++)
            {
                var i = b.Instructions[k];
                var site = new Site(b, k, i);
                if (i.Destination is { } d) (_definitions.TryGetValue(d, out var l) ? l : _definitions[d] = []).Add(site);
                foreach (var (address, size) in FrameWrites(i)) _frameWrites.Add((site, address, size));
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="value"/>, as read by instruction <paramref name="index"/> of <paramref name="block"/>,
    /// cannot be <paramref name="excluded"/>: a branch on the way tested it against a constant, the edge taken rules
    /// the value out, that edge is the only way into a block dominating the instruction, and every write of the
    /// tested variable comes before the test (so none can happen between the test and the instruction).
    /// </summary>
    public bool Excludes(VirtualRegister value, long excluded, BasicBlock block, int index)
    {
        var at = new Site(block, index, block.Instructions[index]);
        // A 32-bit value widened to 64 bits (C#'s implicit int or uint to long) keeps its value: the test may be on
        // the narrower variable.
        switch (LastDefinitionBefore(value, at))
        {
            case { Instruction: ExtendInstruction { Kind: ExtendKind.SignExtend32To64, Value.Register: { } narrow } } site
                when excluded is >= int.MinValue and <= int.MaxValue:
                if (Excludes(narrow, excluded, block, site.Index)) return true;
                break;
            case { Instruction: ExtendInstruction { Kind: ExtendKind.ZeroExtend32To64, Value.Register: { } narrow } } site:
                if (excluded is < 0 or > uint.MaxValue || Excludes(narrow, excluded, block, site.Index)) return true;
                break;
        }
        var use = Trace(value, at).ToList();
        foreach (var b in _flow.ReversePostOrder)
        {
            if (b.Terminator is not BranchTerminator branch || branch.WhenTrue == branch.WhenFalse) continue;
            var test = new Site(b, b.Instructions.Count, branch);
            foreach (var (target, holds) in new[] { (branch.WhenTrue, branch.Condition), (branch.WhenFalse, branch.Condition.Negate()) })
            {
                if (target == b || _flow.Predecessors[target].Count != 1 || !_dominators.Dominates(target, block)) continue;
                foreach (var (tested, condition, width, constant) in Tested(holds, branch.Width, branch.Left, branch.Right, test))
                {
                    if (use.Any(tested.SameValueAs) && !condition.Evaluate(width, excluded, constant) && WrittenOnlyBefore(tested))
                        return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="value"/>, read by instruction <paramref name="index"/> of <paramref name="block"/>, is
    /// never the minimum of <paramref name="width"/>: a constant other than it, or a value every definition of which
    /// comes from a narrower type (an sbyte, short, byte or ushort; an int or uint for 64 bits), whose extension to
    /// the width cannot have the sign bit alone set.
    /// </summary>
    public bool CannotBeMinValue(Operand value, Width width, BasicBlock block, int index)
    {
        if (value.Register is not { } register) return !IsMinValue(value.Constant, width);
        return Narrow(register, width, new Site(block, index, block.Instructions[index]), []);
    }

    /// <summary>The name of the variable <paramref name="value"/> was read from, for diagnostics: a frame local's, else the register's.</summary>
    public string NameOf(VirtualRegister value, BasicBlock block, int index)
    {
        var sources = Trace(value, new Site(block, index, block.Instructions[index])).ToList();
        return sources.Select(s => s.Variable).OfType<FrameBytes>().FirstOrDefault()?.Slot.Name ?? value.Name;
    }

    static bool IsMinValue(long value, Width width) => width == Width.W32 ? (int)value == int.MinValue : value == long.MinValue;

    bool Narrow(VirtualRegister register, Width width, Site? at, HashSet<VirtualRegister> visiting)
    {
        if (at is { } site && LastDefinitionBefore(register, site) is { } last) return Narrow(last, width, visiting);
        // By induction over the run: if every definition is narrow given that the register's earlier values were,
        // the register is always narrow; a cycle through the register itself is that assumption.
        if (!visiting.Add(register)) return true;
        return _definitions.TryGetValue(register, out var sites) && sites.All(s => Narrow(s, width, visiting));
    }

    bool Narrow(Site definition, Width width, HashSet<VirtualRegister> visiting) => definition.Instruction switch
    {
        MoveInstruction { Source.IsConstant: true } m => !IsMinValue(m.Source.Constant, width),
        MoveInstruction { Source.Register: { } source } => Narrow(source, width, definition, visiting),
        ExtendInstruction { Kind: ExtendKind.SignExtend32To64 or ExtendKind.ZeroExtend32To64 } => width == Width.W64,
        ExtendInstruction { Kind: ExtendKind.Truncate64To32 } => false,
        ExtendInstruction => true,
        StackLoadInstruction l => l.Size * 8 < (width == Width.W32 ? 32 : 64),
        _ => false,
    };

    /// <summary>
    /// The facts a branch condition establishes on its edge, as (value, condition, width, constant). A test of a
    /// comparison's result against zero (what IL without optimisation leaves: ceq, then brfalse) is a test of the
    /// comparison itself.
    /// </summary>
    IEnumerable<(Source Value, Condition Condition, Width Width, long Constant)> Tested(Condition condition, Width width, Operand left, Operand right, Site at)
    {
        if (left.IsConstant && !right.IsConstant)
        {
            (left, right) = (right, left);
            condition = condition.Swap();
        }
        if (left.Register is not { } register || !right.IsConstant) yield break;
        if (condition is Condition.Equal or Condition.NotEqual && Condition.Equal.Evaluate(width, right.Constant, 0) &&
            LastDefinitionBefore(register, at) is { Instruction: CompareInstruction compare } site)
        {
            var holds = condition == Condition.NotEqual ? compare.Condition : compare.Condition.Negate();
            foreach (var fact in Tested(holds, compare.Width, compare.Left, compare.Right, site)) yield return fact;
            yield break;
        }
        foreach (var source in Trace(register, at)) yield return (source, condition, width, right.Constant);
    }

    /// <summary>
    /// The ways to name what <paramref name="register"/> holds at <paramref name="at"/>: the register itself, then
    /// each variable it was copied, extended or loaded from within the block, outermost first.
    /// </summary>
    IEnumerable<Source> Trace(VirtualRegister register, Site at)
    {
        yield return new Source(register, "", at);
        switch (LastDefinitionBefore(register, at))
        {
            case { Instruction: MoveInstruction { Source.Register: { } source } } move:
                foreach (var s in Trace(source, move)) yield return s;
                break;
            case { Instruction: ExtendInstruction { Value.Register: { } value } extend } site:
                foreach (var s in Trace(value, site)) yield return s with { Conversions = s.Conversions + "," + extend.Kind };
                break;
            case { Instruction: StackLoadInstruction load } site:
                yield return new Source(new FrameBytes(load.Address.Slot, load.Address.Offset, load.Size), load.SignExtend ? "loads" : "load", site);
                break;
        }
    }

    /// <summary>The last definition of <paramref name="register"/> in <paramref name="at"/>'s block before it: the value it reads there.</summary>
    Site? LastDefinitionBefore(VirtualRegister register, Site at)
    {
        for (int k = Math.Min(at.Index, at.Block.Instructions.Count) - 1; k >= 0; k--)
            if (at.Block.Instructions[k].Destination == register) return new Site(at.Block, k, at.Block.Instructions[k]);
        return null;
    }

    /// <summary>Whether every write of the value's variable comes before the point where it was read.</summary>
    bool WrittenOnlyBefore(Source value)
    {
        IEnumerable<Site> writes = value.Variable switch
        {
            VirtualRegister r => _definitions.GetValueOrDefault(r) ?? [],
            FrameBytes f => _frameWrites.Where(w => w.Address is not { } a ||
                (a.Slot == f.Slot && a.Offset < f.Offset + f.Size && f.Offset < a.Offset + w.Size)).Select(w => w.Site),
            _ => throw new InvalidOperationException($"unknown variable {value.Variable}"),
        };
        var read = value.ReadAt;
        return writes.All(w => w.Block == read.Block ? w.Index < read.Index : _dominators.Dominates(w.Block, read.Block));
    }

    /// <summary>
    /// The frame bytes an instruction may write; a null address means any. Map helpers write only a lookup's copied
    /// value (the kernel reads keys and values passed by pointer); an instruction kind this list does not know is
    /// assumed to write anywhere if it has side effects.
    /// </summary>
    static IEnumerable<(StackAddress? Address, int Size)> FrameWrites(IrInstruction i)
    {
        switch (i)
        {
            case StackStoreInstruction s: yield return (s.Address, s.Size); break;
            case StackZeroInstruction z: yield return (z.Address, z.Size); break;
            case StackCopyInstruction c: yield return (c.Target, c.Size); break;
            case PacketAccessInstruction { IsWrite: false } p: yield return (p.Buffer, p.Size); break;
            case MapHelperInstruction m:
                if (m.Output is { } output) yield return (output, m.OutputSize);
                break;
            case PacketAccessInstruction or ContextStoreInstruction or HelperCallInstruction:
                break;
            default:
                if (i.HasSideEffects) yield return (null, 0);
                break;
        }
    }
}

using Netfence.Bpf.Asm;
using Netfence.Bpf.Compiler.IR;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Backend;

/// <summary>
/// Lowers IR to BPF instructions. Each IR instruction computes in its destination's register when it has one, or in a
/// scratch register, and commits the result to the destination's location (r0–r9 or a spill slot). Scratch registers
/// are the caller-saved ones no value occupies at the instruction (<see cref="RegisterAllocator.ScratchAt"/>), taken
/// no more than <see cref="ScratchDemand"/> allows; instructions that clobber r0–r5 (calls, packet accesses) use fixed
/// registers, since no value lives in r0–r5 across them. Jumps are emitted against labels and resolved to slot offsets
/// at the end. Partial files hold the instruction families.
/// </summary>
internal sealed partial class InstructionSelector
{
    readonly IrFunction _function;
    readonly RegisterAllocator _allocation;
    readonly Liveness _liveness;
    readonly List<EmittedInstruction> _out = [];
    readonly Dictionary<int, int> _labels = [];
    int _nextLabel;
    SourcePosition? _position;
    List<Register> _scratch = [];

    /// <summary>Code emitted after the last block: paths taken rarely, kept out of the fall-through order.</summary>
    readonly List<Action> _outOfLine = [];

    InstructionSelector(IrFunction function, RegisterAllocator allocation)
    {
        _function = function;
        _allocation = allocation;
        _liveness = new Liveness(function);
        // Labels 0..n-1 are the blocks; the rest are local to lowerings.
        _nextLabel = function.Blocks.Max(b => b.Id) + 1;
    }

    public static MachineFunction Select(IrFunction function, RegisterAllocator allocation, int stackBytes)
    {
        var selector = new InstructionSelector(function, allocation);
        selector.SelectAll();
        return selector.Resolve(stackBytes);
    }

    void SelectAll()
    {
        _position = _function.EntryPosition;
        for (int k = 0; k < _function.EntryRegisters.Count; k++) Commit(_function.EntryRegisters[k], Arguments[k]);
        var blocks = _function.Blocks;
        // Positions count as the register allocator's intervals do: each block's instructions, then its terminator.
        int at = 0;
        for (int k = 0; k < blocks.Count; k++)
        {
            var block = blocks[k];
            Label(block.Id);
            var next = k + 1 < blocks.Count ? blocks[k + 1] : null;
            var fused = FusedPacketBranch(block);
            foreach (var i in block.Instructions)
            {
                _position = i.Position ?? _position;
                _scratch = _allocation.ScratchAt(at++);
                if (i == fused.Access) SelectPacketAccess(fused.Access, fused.Success, fused.Failure, next);
                else Select(i);
            }
            _position = block.Terminator!.Position ?? _position;
            _scratch = _allocation.ScratchAt(at++);
            if (fused.Access is null) SelectTerminator(block.Terminator, next);
        }
        foreach (var emit in _outOfLine) emit();
    }

    /// <summary>
    /// A block that ends with a packet access and a branch on its result alone (<c>if (!ctx.TryRead(...)) return</c>):
    /// the access's own success and failure paths jump to the branch's targets, instead of setting the result to 1 or 0
    /// and testing it, as clang's bounds check jumps straight to its error path. Only when nothing else reads the result.
    /// </summary>
    (PacketAccessInstruction? Access, BasicBlock Success, BasicBlock Failure) FusedPacketBranch(BasicBlock block)
    {
        if (block.Instructions.Count == 0 || block.Instructions[^1] is not PacketAccessInstruction access
            || block.Terminator is not BranchTerminator { Right.IsConstant: true, Right.Constant: 0, Condition: Condition.Equal or Condition.NotEqual } branch
            || branch.Left.Register != access.Destination
            || _liveness.LiveIn[branch.WhenTrue].Contains(access.Destination!) || _liveness.LiveIn[branch.WhenFalse].Contains(access.Destination!))
            return (null, null!, null!);
        return branch.Condition == Condition.NotEqual ? (access, branch.WhenTrue, branch.WhenFalse) : (access, branch.WhenFalse, branch.WhenTrue);
    }

    void Select(IrInstruction i)
    {
        switch (i)
        {
            case MoveInstruction m: SelectMove(m); break;
            case BinaryInstruction b: SelectBinary(b); break;
            case UnaryInstruction u: SelectUnary(u); break;
            case SignedDivisionInstruction d: SelectSignedDivision(d); break;
            case ExtendInstruction e: SelectExtend(e); break;
            case CompareInstruction c: SelectCompare(c); break;
            case ByteSwapInstruction s: SelectByteSwap(s); break;
            case ContextLoadInstruction l: SelectContextLoad(l); break;
            case ContextStoreInstruction s: SelectContextStore(s); break;
            case StackLoadInstruction l: SelectStackLoad(l); break;
            case StackStoreInstruction s: SelectStackStore(s); break;
            case StackZeroInstruction z: Zero(z.Address.FrameOffset, z.Size, Scratch()); break;
            case StackCopyInstruction c: Copy(Register.R10, c.Target.FrameOffset, Register.R10, c.Source.FrameOffset, c.Size, Scratch()); break;
            case PointerLoadInstruction l: SelectPointerLoad(l); break;
            case PacketLoadInstruction l: SelectPacketLoad(l); break;
            case PointerStoreInstruction s: SelectPointerStore(s); break;
            case PointerCopyInstruction c: SelectPointerCopy(c); break;
            case ConfigLoadInstruction c: SelectConfigLoad(c); break;
            case PacketAccessInstruction p: SelectPacketAccess(p); break;
            case HelperCallInstruction h: SelectHelperCall(h); break;
            case MapHelperInstruction m: SelectMapHelper(m); break;
            case FunctionCallInstruction f: SelectFunctionCall(f); break;
            default: throw new InvalidOperationException($"no instruction selection for {i.GetType().Name}");
        }
    }

    void SelectTerminator(Terminator terminator, BasicBlock? next)
    {
        switch (terminator)
        {
            case ReturnTerminator r:
                MoveInto(Register.R0, r.Value, Width.W32);
                Add(Instruction.Exit());
                break;
            case JumpTerminator j:
                if (j.Target != next) Jump(j.Target.Id);
                break;
            case BranchTerminator b:
                if (b.WhenTrue == next)
                {
                    CompareAndJump(b.Condition.Negate(), b.Width, b.Left, b.Right, b.WhenFalse.Id);
                }
                else
                {
                    CompareAndJump(b.Condition, b.Width, b.Left, b.Right, b.WhenTrue.Id);
                    if (b.WhenFalse != next) Jump(b.WhenFalse.Id);
                }
                break;
        }
    }

    // ---- Emission and labels -------------------------------------------------------------------------------

    void Add(Instruction instruction, int? target = null) => _out.Add(new EmittedInstruction(instruction, _position, target));

    int NewLabel() => _nextLabel++;

    void Label(int label) => _labels[label] = _out.Count;

    void Jump(int label) => Add(Instruction.Ja(0), label);

    static byte JumpOp(Condition c) => c switch
    {
        Condition.Equal => Jeq,
        Condition.NotEqual => Jne,
        Condition.SignedLess => Jslt,
        Condition.SignedLessOrEqual => Jsle,
        Condition.SignedGreater => Jsgt,
        Condition.SignedGreaterOrEqual => Jsge,
        Condition.UnsignedLess => Jlt,
        Condition.UnsignedLessOrEqual => Jle,
        Condition.UnsignedGreater => Jgt,
        _ => Jge,
    };

    /// <summary>A conditional jump: JMP32 for 32-bit operands, JMP for 64-bit, immediate form when the constant fits.</summary>
    void CompareAndJump(Condition condition, Width width, Operand left, Operand right, int label)
    {
        if (left.IsConstant && !right.IsConstant)
        {
            (left, right) = (right, left);
            condition = condition.Swap();
        }
        var l = Materialize(left, width);
        byte cls = width == Width.W32 ? ClassJmp32 : ClassJmp;
        if (Immediate(right, width) is { } imm)
        {
            Add(new Instruction((byte)(cls | JumpOp(condition) | SrcK), l, 0, 0, imm), label);
        }
        else
        {
            var r = Materialize(right, width);
            Add(new Instruction((byte)(cls | JumpOp(condition) | SrcX), l, r, 0, 0), label);
        }
    }

    /// <summary>
    /// Drops unconditional jumps to the very next instruction, and turns "if c goto L1; goto L2; L1:" into
    /// "if !c goto L2". Block layout avoids most of both, but a block can emit nothing at all (a move between values
    /// that share a register), and a jump over it lands on the next instruction.
    /// </summary>
    void RemoveJumpsToNext()
    {
        var targeted = new HashSet<int>();
        for (int k = 0; k < _out.Count; k++)
        {
            // Positions some jump lands on; a block's label alone (a fall-through) does not keep its jump.
            targeted.Clear();
            foreach (var o in _out)
                if (o.TargetLabel is { } l) targeted.Add(_labels[l]);
            var e = _out[k];
            if (e.TargetLabel is not { } label) continue;
            if (e.Instruction.OpCode == (ClassJmp | Ja) && _labels[label] == k + 1)
            {
                RemoveAt(k);
            }
            else if (_labels[label] == k + 2 && Negated(e.Instruction.OpCode) is { } negated && k + 1 < _out.Count
                     && _out[k + 1] is { TargetLabel: { } over } skipped && skipped.Instruction.OpCode == (ClassJmp | Ja) && !targeted.Contains(k + 1))
            {
                _out[k] = e with { Instruction = e.Instruction with { OpCode = negated }, TargetLabel = over };
                RemoveAt(k + 1);
            }
            else
            {
                continue;
            }
            // The jump before this one may now land on the next instruction too.
            k = Math.Max(-1, k - 2);
        }
    }

    void RemoveAt(int index)
    {
        _out.RemoveAt(index);
        foreach (var key in _labels.Keys.ToList())
            if (_labels[key] > index) _labels[key]--;
    }

    /// <summary>The conditional jump with the opposite condition; null for what has none (JSET, calls, exits, JA).</summary>
    static byte? Negated(byte opCode)
    {
        if (OpCodes.Class(opCode) is not (ClassJmp or ClassJmp32)) return null;
        byte op = (byte)(opCode & 0xf0);
        byte? opposite = op switch
        {
            Jeq => Jne,
            Jne => Jeq,
            Jgt => Jle,
            Jle => Jgt,
            Jge => Jlt,
            Jlt => Jge,
            Jsgt => Jsle,
            Jsle => Jsgt,
            Jsge => Jslt,
            Jslt => Jsge,
            _ => null,
        };
        return opposite is { } o ? (byte)((opCode & 0x0f) | o) : null;
    }

    MachineFunction Resolve(int stackBytes)
    {
        RemoveJumpsToNext();
        // Slot position of each emitted instruction (LD_IMM64 takes two).
        var slots = new int[_out.Count + 1];
        for (int k = 0; k < _out.Count; k++) slots[k + 1] = slots[k] + _out[k].Instruction.Slots;
        var instructions = new List<Instruction>(_out.Count);
        var positions = new List<SourcePosition?>(_out.Count);
        for (int k = 0; k < _out.Count; k++)
        {
            var e = _out[k];
            var insn = e.Instruction;
            if (e.TargetLabel is { } label)
            {
                int target = slots[_labels[label]];
                int delta = target - (slots[k] + 1);
                if (delta is < short.MinValue or > short.MaxValue) throw new InvalidOperationException("jump offset does not fit 16 bits");
                insn = insn with { Offset = (short)delta };
            }
            instructions.Add(insn);
            positions.Add(e.Position);
        }
        return new MachineFunction(_function.Name, instructions, positions, stackBytes);
    }

    // ---- Operands ---------------------------------------------------------------------------------------------

    Location LocationOf(VirtualRegister register) =>
        _allocation.Locations.TryGetValue(register, out var l) ? l : throw new InvalidOperationException($"{register} has no location");

    /// <summary>The immediate for a K-form instruction, when the constant fits its sign-extended 32 bits.</summary>
    static int? Immediate(Operand operand, Width width)
    {
        if (!operand.IsConstant) return null;
        long c = operand.Constant;
        if (width == Width.W32) return unchecked((int)c);
        return c is >= int.MinValue and <= int.MaxValue ? (int)c : null;
    }

    /// <summary>
    /// A register holding the operand: its own register, or <paramref name="into"/> (a scratch register when not given)
    /// loaded from a constant or spill.
    /// </summary>
    Register Materialize(Operand operand, Width width, Register? into = null)
    {
        if (operand.IsConstant)
        {
            var target = into ?? Scratch();
            LoadConstant(target, operand.Constant, width);
            return target;
        }
        var location = LocationOf(operand.Register!);
        if (location.Register is { } r) return r;
        var reload = into ?? Scratch();
        Add(Instruction.LoadMem(SizeDW, reload, Register.R10, (short)location.SpillOffset));
        return reload;
    }

    /// <summary>A caller-saved register no value occupies at this instruction.</summary>
    Register Scratch()
    {
        if (_scratch.Count == 0)
            throw new InvalidOperationException($"no scratch register is free in '{_function.Name}' (the instruction's scratch demand is too low)");
        var r = _scratch[0];
        _scratch.RemoveAt(0);
        return r;
    }

    /// <summary>Puts the operand into exactly <paramref name="target"/>.</summary>
    void MoveInto(Register target, Operand operand, Width width)
    {
        var r = Materialize(operand, width, target);
        if (r != target) Add(Instruction.Mov64(target, r));
    }

    void LoadConstant(Register target, long value, Width width)
    {
        if (width == Width.W32) Add(new Instruction((byte)(ClassAlu | Mov | SrcK), target, 0, 0, unchecked((int)value)));
        else if (value is >= int.MinValue and <= int.MaxValue) Add(Instruction.Mov64(target, (int)value));
        else Add(Instruction.LoadImm64(target, value));
    }

    /// <summary>The register an instruction computes <paramref name="destination"/> in: its own, or a scratch one for a spilled one.</summary>
    Register Target(VirtualRegister destination) => LocationOf(destination).Register ?? Scratch();

    /// <summary>Moves a computed value from <paramref name="source"/> to the destination's location.</summary>
    void Commit(VirtualRegister destination, Register source)
    {
        var location = LocationOf(destination);
        if (location.Register is { } r)
        {
            if (r != source) Add(Instruction.Mov64(r, source));
        }
        else
        {
            Add(Instruction.StoreMem(SizeDW, Register.R10, source, (short)location.SpillOffset));
        }
    }
}

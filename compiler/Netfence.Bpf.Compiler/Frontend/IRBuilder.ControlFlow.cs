using Mono.Cecil.Cil;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Frontend;

// br, brtrue/brfalse, the compare-and-branch family, switch and ret.
internal sealed partial class IRBuilder
{
    bool TryControlFlow(Instruction i, Stack<StackValue> stack, List<Instruction> successors, out bool endsBlock)
    {
        endsBlock = true;
        switch (i.OpCode.Code)
        {
            case Code.Br or Code.Br_S:
            {
                var target = (Instruction)i.Operand;
                FlowTo(target, stack);
                Terminate(new JumpTerminator(_position, BlockAt(target)));
                successors.Add(target);
                return true;
            }
            case Code.Brtrue or Code.Brtrue_S or Code.Brfalse or Code.Brfalse_S:
            {
                var value = stack.Pop();
                // A null test of a reference (a context or address) is always false for brfalse: refs are never null.
                var scalar = value as ScalarValue ?? throw Unsupported("a branch on a reference");
                var condition = i.OpCode.Code is Code.Brtrue or Code.Brtrue_S ? Condition.NotEqual : Condition.Equal;
                Branch(i, stack, successors, condition, scalar.Width, scalar.Operand, Operand.Of(0));
                return true;
            }
            case Code.Beq or Code.Beq_S: return CompareBranch(i, stack, successors, Condition.Equal);
            case Code.Bne_Un or Code.Bne_Un_S: return CompareBranch(i, stack, successors, Condition.NotEqual);
            case Code.Blt or Code.Blt_S: return CompareBranch(i, stack, successors, Condition.SignedLess);
            case Code.Blt_Un or Code.Blt_Un_S: return CompareBranch(i, stack, successors, Condition.UnsignedLess);
            case Code.Ble or Code.Ble_S: return CompareBranch(i, stack, successors, Condition.SignedLessOrEqual);
            case Code.Ble_Un or Code.Ble_Un_S: return CompareBranch(i, stack, successors, Condition.UnsignedLessOrEqual);
            case Code.Bgt or Code.Bgt_S: return CompareBranch(i, stack, successors, Condition.SignedGreater);
            case Code.Bgt_Un or Code.Bgt_Un_S: return CompareBranch(i, stack, successors, Condition.UnsignedGreater);
            case Code.Bge or Code.Bge_S: return CompareBranch(i, stack, successors, Condition.SignedGreaterOrEqual);
            case Code.Bge_Un or Code.Bge_Un_S: return CompareBranch(i, stack, successors, Condition.UnsignedGreaterOrEqual);
            case Code.Switch:
                Switch(i, stack, successors);
                return true;
            case Code.Ret:
                Return(stack);
                return true;
            default:
                endsBlock = false;
                return false;
        }
    }

    bool CompareBranch(Instruction i, Stack<StackValue> stack, List<Instruction> successors, Condition condition)
    {
        var (left, right, width) = PopPair(stack);
        Branch(i, stack, successors, condition, width, left.Operand, right.Operand);
        return true;
    }

    void Branch(Instruction i, Stack<StackValue> stack, List<Instruction> successors, Condition condition, Width width, Operand left, Operand right)
    {
        var target = (Instruction)i.Operand;
        var next = i.Next ?? throw Unsupported("a conditional branch at the end of a method");
        FlowTo(target, stack);
        FlowTo(next, stack);
        Terminate(new BranchTerminator(_position, condition, width, left, right, BlockAt(target), BlockAt(next)));
        successors.Add(target);
        successors.Add(next);
    }

    /// <summary>IL switch as a chain of equality tests, one per case, falling through to the next instruction.</summary>
    void Switch(Instruction i, Stack<StackValue> stack, List<Instruction> successors)
    {
        var value = Widen(PopScalar(stack), Width.W32);
        var targets = (Instruction[])i.Operand;
        var next = i.Next ?? throw Unsupported("a switch at the end of a method");
        foreach (var t in targets) FlowTo(t, stack);
        FlowTo(next, stack);
        for (int k = 0; k < targets.Length; k++)
        {
            var otherwise = k == targets.Length - 1 ? BlockAt(next) : _function.NewBlock($"{_frame.Method.Name}:switch{k + 1}");
            Terminate(new BranchTerminator(_position, Condition.Equal, Width.W32, value.Operand, Operand.Of(k), BlockAt(targets[k]), otherwise));
            _current = otherwise;
        }
        if (targets.Length == 0) Terminate(new JumpTerminator(_position, BlockAt(next)));
        successors.AddRange(targets);
        successors.Add(next);
    }

    void Return(Stack<StackValue> stack)
    {
        if (_frame.IsRoot)
        {
            var verdict = Widen(PopScalar(stack), Width.W32);
            Terminate(new ReturnTerminator(_position, verdict.Operand));
            return;
        }
        if (_frame.ReturnWidth is { } width)
        {
            Terminate(new ReturnTerminator(_position, Widen(PopScalar(stack), width).Operand));
            return;
        }
        // A map value reference returned is a use of it: the caller gets it only once it was tested.
        if (_frame.Result is { } result) Store(result, Checked(stack.Pop()), null);
        Terminate(new ReturnTerminator(_position));
    }
}

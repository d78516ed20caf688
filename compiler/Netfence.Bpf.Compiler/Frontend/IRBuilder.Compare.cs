using Mono.Cecil.Cil;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Frontend;

// ceq cgt cgt.un clt clt.un: comparisons producing an int32 0 or 1, signedness from the opcode.
internal sealed partial class IRBuilder
{
    bool TryCompare(Instruction i, Stack<StackValue> stack)
    {
        Condition? condition = i.OpCode.Code switch
        {
            Code.Ceq => Condition.Equal,
            Code.Cgt => Condition.SignedGreater,
            Code.Cgt_Un => Condition.UnsignedGreater,
            Code.Clt => Condition.SignedLess,
            Code.Clt_Un => Condition.UnsignedLess,
            _ => null,
        };
        if (condition is null) return false;
        var (left, right, width) = PopPair(stack);
        var dst = Temp(Width.W32);
        Emit(new CompareInstruction(_position, condition.Value, width, dst, left.Operand, right.Operand));
        stack.Push(new ScalarValue(Operand.Of(dst), Width.W32));
        return true;
    }
}

using Mono.Cecil.Cil;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Frontend;

// add sub mul div rem and or xor shl shr neg not: wrap-around arithmetic at the IL operand width.
internal sealed partial class IRBuilder
{
    bool TryArithmetic(Instruction i, Stack<StackValue> stack)
    {
        switch (i.OpCode.Code)
        {
            case Code.Add: Binary(stack, BinaryOperation.Add); return true;
            case Code.Sub: Binary(stack, BinaryOperation.Subtract); return true;
            case Code.Mul: Binary(stack, BinaryOperation.Multiply); return true;
            case Code.And: Binary(stack, BinaryOperation.And); return true;
            case Code.Or: Binary(stack, BinaryOperation.Or); return true;
            case Code.Xor: Binary(stack, BinaryOperation.Xor); return true;
            case Code.Div_Un: Binary(stack, BinaryOperation.UnsignedDivide); return true;
            case Code.Rem_Un: Binary(stack, BinaryOperation.UnsignedRemainder); return true;
            case Code.Div: SignedDivide(stack, remainder: false); return true;
            case Code.Rem: SignedDivide(stack, remainder: true); return true;
            case Code.Shl: Shift(stack, BinaryOperation.ShiftLeft); return true;
            case Code.Shr: Shift(stack, BinaryOperation.ShiftRightArithmetic); return true;
            case Code.Shr_Un: Shift(stack, BinaryOperation.ShiftRightLogical); return true;
            case Code.Neg: Unary(stack, UnaryOperation.Negate); return true;
            case Code.Not: Unary(stack, UnaryOperation.Not); return true;
            case Code.Add_Ovf or Code.Add_Ovf_Un or Code.Sub_Ovf or Code.Sub_Ovf_Un or Code.Mul_Ovf or Code.Mul_Ovf_Un:
                throw Abort(DiagnosticCatalogue.CheckedArithmetic, i.OpCode.Name);
            default:
                return false;
        }
    }

    /// <summary>Pops two operands and brings them to one width (IL lets int32 meet native int, sign-extended).</summary>
    (ScalarValue Left, ScalarValue Right, Width Width) PopPair(Stack<StackValue> stack)
    {
        var right = PopScalar(stack);
        var left = PopScalar(stack);
        var width = left.Width == Width.W64 || right.Width == Width.W64 ? Width.W64 : Width.W32;
        return (Widen(left, width), Widen(right, width), width);
    }

    ScalarValue Binary(BinaryOperation operation, Width width, Operand left, Operand right)
    {
        var dst = Temp(width);
        Emit(new BinaryInstruction(_position, operation, width, dst, left, right));
        return new ScalarValue(Operand.Of(dst), width);
    }

    void Binary(Stack<StackValue> stack, BinaryOperation operation)
    {
        var (left, right, width) = PopPair(stack);
        stack.Push(Binary(operation, width, left.Operand, right.Operand));
    }

    void Unary(Stack<StackValue> stack, UnaryOperation operation)
    {
        var value = PopScalar(stack);
        var dst = Temp(value.Width);
        Emit(new UnaryInstruction(_position, operation, value.Width, dst, value.Operand));
        stack.Push(new ScalarValue(Operand.Of(dst), value.Width));
    }

    /// <summary>C# masks shift counts to the operand width; the kernel's result for larger counts is undefined.</summary>
    void Shift(Stack<StackValue> stack, BinaryOperation operation)
    {
        var count = PopScalar(stack);
        var value = PopScalar(stack);
        int mask = value.Width == Width.W64 ? 63 : 31;
        Operand amount;
        if (count.IsConstant) amount = Operand.Of(count.Operand.Constant & mask);
        else amount = Binary(BinaryOperation.And, Width.W32, count.Operand, Operand.Of(mask)).Operand;
        // A 64-bit shift by a 32-bit count reads the count register whole; its upper half is already zero.
        stack.Push(Binary(operation, value.Width, value.Operand, amount));
    }

    /// <summary>
    /// Signed division and remainder, whatever the operands: the ProveDivisors pass decides after constant folding
    /// whether .NET could throw (a zero divisor, MinValue / -1), and the backend handles every sign.
    /// </summary>
    void SignedDivide(Stack<StackValue> stack, bool remainder)
    {
        var (left, right, width) = PopPair(stack);
        stack.Push(SignedDivision(remainder, width, left.Operand, right.Operand));
    }

    ScalarValue SignedDivision(bool remainder, Width width, Operand left, Operand right)
    {
        var dst = Temp(width);
        Emit(new SignedDivisionInstruction(_position, remainder, width, dst, left, right));
        return new ScalarValue(Operand.Of(dst), width);
    }
}

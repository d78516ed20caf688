using Mono.Cecil.Cil;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Frontend;

// conv.*: explicit sign and zero extensions; checked conversions and floating point are outside the subset.
internal sealed partial class IRBuilder
{
    bool TryConvert(Instruction i, Stack<StackValue> stack)
    {
        switch (i.OpCode.Code)
        {
            case Code.Conv_I1: stack.Push(Narrow(PopScalar(stack), ExtendKind.SignExtend8To32)); return true;
            case Code.Conv_U1: stack.Push(Narrow(PopScalar(stack), ExtendKind.ZeroExtend8To32)); return true;
            case Code.Conv_I2: stack.Push(Narrow(PopScalar(stack), ExtendKind.SignExtend16To32)); return true;
            case Code.Conv_U2: stack.Push(Narrow(PopScalar(stack), ExtendKind.ZeroExtend16To32)); return true;
            case Code.Conv_I4 or Code.Conv_U4:
            {
                var v = PopScalar(stack);
                stack.Push(v.Width == Width.W32 ? v : Convert(v, ExtendKind.Truncate64To32, Width.W32));
                return true;
            }
            case Code.Conv_I8 or Code.Conv_I:
            {
                var v = PopScalar(stack);
                stack.Push(v.Width == Width.W64 ? v : Convert(v, ExtendKind.SignExtend32To64, Width.W64));
                return true;
            }
            case Code.Conv_U8 or Code.Conv_U:
            {
                var v = PopScalar(stack);
                stack.Push(v.Width == Width.W64 ? v : Convert(v, ExtendKind.ZeroExtend32To64, Width.W64));
                return true;
            }
            case >= Code.Conv_Ovf_I1_Un and <= Code.Conv_Ovf_U_Un:
            case >= Code.Conv_Ovf_I1 and <= Code.Conv_Ovf_U8:
            case Code.Conv_Ovf_I or Code.Conv_Ovf_U:
                throw Abort(DiagnosticCatalogue.CheckedArithmetic, i.OpCode.Name);
            default:
                return false;
        }
    }

    /// <summary>conv to a small type: truncate a 64-bit value to 32 first, then extend the low bits.</summary>
    ScalarValue Narrow(ScalarValue value, ExtendKind kind)
    {
        if (value.Width == Width.W64) value = Convert(value, ExtendKind.Truncate64To32, Width.W32);
        return Convert(value, kind, Width.W32);
    }
}

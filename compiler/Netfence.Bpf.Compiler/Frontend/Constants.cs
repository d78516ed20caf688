using Mono.Cecil.Cil;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>The integer constant an ldc instruction pushes.</summary>
internal static class Constants
{
    public static bool TryGetConstant(Instruction i, out long value)
    {
        value = i.OpCode.Code switch
        {
            Code.Ldc_I4_M1 => -1,
            Code.Ldc_I4_0 => 0,
            Code.Ldc_I4_1 => 1,
            Code.Ldc_I4_2 => 2,
            Code.Ldc_I4_3 => 3,
            Code.Ldc_I4_4 => 4,
            Code.Ldc_I4_5 => 5,
            Code.Ldc_I4_6 => 6,
            Code.Ldc_I4_7 => 7,
            Code.Ldc_I4_8 => 8,
            Code.Ldc_I4_S => (sbyte)i.Operand,
            Code.Ldc_I4 => (int)i.Operand,
            Code.Ldc_I8 => (long)i.Operand,
            _ => long.MinValue,
        };
        return i.OpCode.Code is >= Code.Ldc_I4_M1 and <= Code.Ldc_I8;
    }
}

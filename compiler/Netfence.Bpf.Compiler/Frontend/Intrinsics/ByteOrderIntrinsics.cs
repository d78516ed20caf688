using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Frontend;

// Net.Ntohs/Htonl/... carrying [EndianConversion(bits)].
internal sealed partial class IRBuilder
{
    StackValue ByteSwap(int bits, StackValue[] args)
    {
        if (bits is not (16 or 32 or 64)) throw Unsupported($"a byte-order conversion of {bits} bits");
        var value = args[0] as ScalarValue ?? throw Unsupported("a byte-order conversion of a non-integer");
        var width = bits == 64 ? Width.W64 : Width.W32;
        value = Widen(value, width);
        var dst = Temp(width);
        Emit(new ByteSwapInstruction(_position, bits, dst, value.Operand));
        return new ScalarValue(Operand.Of(dst), width);
    }
}

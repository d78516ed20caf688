using Mono.Cecil;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Frontend;

// SkBuff.TryRead<T>(offset, out T) and TryWrite<T>(offset, in T): generic members of a context whose
// [ContextLayout] names the data and data_end pointers.
internal sealed partial class IRBuilder
{
    StackValue PacketAccess(MethodDefinition method, GenericInstanceMethod generic, CustomAttribute layout, StackValue[] args)
    {
        var parameters = method.Parameters;
        bool shapeOk = parameters.Count == 2 && parameters[0].ParameterType.MetadataType == MetadataType.Int32
                       && parameters[1].ParameterType is ByReferenceType && method.ReturnType.MetadataType == MetadataType.Boolean;
        if (!shapeOk || args[0] is not ContextValue) throw Unsupported($"the SDK member '{method.Name}' has no kernel lowering");
        bool write = !parameters[1].IsOut;
        var type = generic.GenericArguments[0];
        int size = SizeOfStruct(type);
        var offset = args[1] as ScalarValue ?? throw Unsupported("a packet offset that is not an integer");
        var buffer = args[2] as AddressValue ?? throw Unsupported($"{method.Name} into {Describe(args[2])}");
        var dst = Temp(Width.W32);
        if (offset.IsConstant && (int)offset.Operand.Constant < 0)
        {
            // .NET answers false for a negative offset before looking at the packet; so does the program.
            if (!write) Emit(new StackZeroInstruction(_position, buffer.Address, size));
            Emit(new MoveInstruction(_position, dst, Operand.Of(0)));
            return new ScalarValue(Operand.Of(dst), Width.W32);
        }
        int dataOffset = SdkMetadata.Named(layout, "DataOffset", -1);
        int dataEndOffset = SdkMetadata.Named(layout, "DataEndOffset", -1);
        Emit(new PacketAccessInstruction(_position, write, dst, _function.Context, Widen(offset, Width.W32).Operand, buffer.Address, size, dataOffset, dataEndOffset));
        return new ScalarValue(Operand.Of(dst), Width.W32);
    }
}

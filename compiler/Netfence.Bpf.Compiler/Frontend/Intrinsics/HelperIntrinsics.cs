using Mono.Cecil;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Frontend;

// Members carrying [Helper(id)]: plain helpers take scalars; map members take the map first and are shaped by their
// signature (see MapIntrinsics).
internal sealed partial class IRBuilder
{
    StackValue? HelperCall(MethodReference reference, MethodDefinition method, int helperId, StackValue[] args)
    {
        bool onMap = SdkMetadata.MapType(method.DeclaringType) is not null
                     || (method.IsStatic && method.Parameters.Count > 0 && SdkMetadata.MapType(method.Parameters[0].ParameterType) is not null);
        if (onMap) return MapHelper(reference, method, helperId, args);
        if (args.Length > 5) throw Unsupported($"a helper with {args.Length} arguments (the kernel passes at most 5)");
        var operands = new Operand[args.Length];
        for (int k = 0; k < args.Length; k++)
        {
            var scalar = args[k] as ScalarValue ?? throw Unsupported($"passing {Describe(args[k])} to helper '{method.Name}'");
            operands[k] = scalar.Operand;
        }
        VirtualRegister? dst = null;
        if (method.ReturnType.MetadataType != MetadataType.Void) dst = Temp(WidthOf(method.ReturnType));
        Emit(new HelperCallInstruction(_position, helperId, dst, operands));
        return dst is null ? null : new ScalarValue(Operand.Of(dst), dst.Width);
    }
}

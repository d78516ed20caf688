using Mono.Cecil;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Frontend;

// Members carrying [Helper(id)]: plain helpers take scalars and the context; map members take the map first and are
// shaped by their signature (see MapIntrinsics).
internal sealed partial class IRBuilder
{
    /// <summary>
    /// The calls of helpers that only some program types offer ([Helper(ProgramTypes = ...)]), where they are: a
    /// global function's body is built once for every program that calls it, so the compiler checks them per program
    /// (<see cref="HelperAvailability"/>).
    /// </summary>
    public List<RestrictedHelperCall> RestrictedHelperCalls { get; } = [];

    StackValue? HelperCall(MethodReference reference, MethodDefinition method, int helperId, StackValue[] args)
    {
        if (SdkMetadata.Find(method, SdkMetadata.HelperAttribute) is { } helper
            && SdkMetadata.Named<CustomAttributeArgument[]?>(helper, "ProgramTypes", null) is { Length: > 0 } types)
            RestrictedHelperCalls.Add(new RestrictedHelperCall($"{method.DeclaringType.Name}.{method.Name}", helperId,
                types.Select(t => (int)t.Value).ToArray(), _position));
        bool onMap = SdkMetadata.MapType(method.DeclaringType) is not null
                     || (method.IsStatic && method.Parameters.Count > 0 && SdkMetadata.MapType(method.Parameters[0].ParameterType) is not null);
        if (onMap) return MapHelper(reference, method, helperId, args);
        if (args.Length > 5) throw Unsupported($"a helper with {args.Length} arguments (the kernel passes at most 5)");
        var operands = new Operand[args.Length];
        for (int k = 0; k < args.Length; k++)
        {
            operands[k] = args[k] switch
            {
                ScalarValue scalar => scalar.Operand,
                // The verifier accepts only the context pointer it handed the program (PTR_TO_CTX at offset 0) where a
                // helper takes the context; the context register is defined once, from r1, and never changed.
                ContextValue when TypeLayout.Classify(method.Parameters[k].ParameterType) == TypeKind.Context => Operand.Of(_function.Context),
                var other => throw Unsupported($"passing {Describe(other)} to helper '{method.Name}'"),
            };
        }
        VirtualRegister? dst = null;
        if (method.ReturnType.MetadataType != MetadataType.Void) dst = Temp(WidthOf(method.ReturnType));
        Emit(new HelperCallInstruction(_position, helperId, dst, operands));
        return dst is null ? null : new ScalarValue(Operand.Of(dst), dst.Width);
    }
}

using Mono.Cecil;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>
/// What makes a method a global BPF function and what signature it may have (see the SDK's GlobalFunctionAttribute):
/// the rules the verifier applies to a global function's BTF prototype, checked on the C# signature.
/// </summary>
internal static class GlobalFunctions
{
    public const int MaxParameters = 5;

    public static bool IsGlobal(MethodDefinition method) => SdkMetadata.Has(method, SdkMetadata.GlobalFunctionAttribute);

    /// <summary>The declaration, or the reason the signature cannot be a global function's.</summary>
    public static GlobalFunctionDeclaration Declare(MethodDefinition method, Func<string, Exception> unsupported)
    {
        string name = $"{method.DeclaringType.Name}.{method.Name}";
        if (!method.IsStatic) throw unsupported($"the global function '{name}' is not static");
        if (method.HasGenericParameters) throw unsupported($"the global function '{name}' is generic");
        if (method.Parameters.Count > MaxParameters)
            throw unsupported($"the global function '{name}' has {method.Parameters.Count} parameters (the kernel passes at most {MaxParameters})");
        int returnSize = TypeLayout.ScalarSize(method.ReturnType) ?? 0;
        if (returnSize is 0 or > 4)
            throw unsupported($"the global function '{name}' returns '{method.ReturnType.Name}' (a global function returns an integer, bool or enum of at most 4 bytes)");
        var parameters = new List<FunctionParameter>();
        foreach (var p in method.Parameters)
        {
            var type = p.ParameterType;
            if (type is ByReferenceType byRef && TypeLayout.Classify(byRef.ElementType) == TypeKind.Struct)
            {
                parameters.Add(new FunctionParameter(p.Name, byRef.ElementType, true, TypeLayout.SizeOf(byRef.ElementType), false));
                continue;
            }
            if (TypeLayout.ScalarSize(type) is { } size)
            {
                parameters.Add(new FunctionParameter(p.Name, type, false, size, IsSigned(type)));
                continue;
            }
            throw unsupported($"parameter '{p.Name}' of the global function '{name}' has type '{type.Name}' (a global function takes integers, bools, enums and in/ref structs)");
        }
        // The symbol is the C# name with the type, so two types may each have an Allows.
        return new GlobalFunctionDeclaration(method, $"{method.DeclaringType.Name}_{method.Name}", parameters, returnSize, IsSigned(method.ReturnType));
    }

    static bool IsSigned(TypeReference type)
    {
        if (SdkMetadata.Resolve(type) is { IsEnum: true } e) type = e.Fields.First(f => !f.IsStatic).FieldType;
        return type.MetadataType is MetadataType.SByte or MetadataType.Int16 or MetadataType.Int32 or MetadataType.Int64 or MetadataType.IntPtr;
    }
}

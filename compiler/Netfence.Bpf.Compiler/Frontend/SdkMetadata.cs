using Mono.Cecil;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>
/// Reads the SDK's metadata attributes. The compiler knows SDK members only through these attributes (ContextField,
/// ContextLayout, Helper, MapType, HookInfo, EndianConversion, ManagedOnly, NullReferenceTest,
/// GlobalFunction, MapName), never by names,
/// offsets or ids.
/// </summary>
internal static class SdkMetadata
{
    const string Namespace = "Netfence.Bpf.Sdk.";
    public const string ProgramAttribute = Namespace + "ProgramAttribute";
    public const string HookInfoAttribute = Namespace + "HookInfoAttribute";
    public const string HelperAttribute = Namespace + "HelperAttribute";
    public const string MapTypeAttribute = Namespace + "MapTypeAttribute";
    public const string ContextFieldAttribute = Namespace + "ContextFieldAttribute";
    public const string ContextLayoutAttribute = Namespace + "ContextLayoutAttribute";
    public const string EndianConversionAttribute = Namespace + "EndianConversionAttribute";
    public const string ManagedOnlyAttribute = Namespace + "ManagedOnlyAttribute";
    public const string NullReferenceTestAttribute = Namespace + "NullReferenceTestAttribute";
    public const string GlobalFunctionAttribute = Namespace + "GlobalFunctionAttribute";
    public const string MapNameAttribute = Namespace + "MapNameAttribute";
    public const string BpfCodeAttribute = Namespace + "BpfCodeAttribute";
    public const string LicenseAttribute = Namespace + "LicenseAttribute";
    public const string MapFlagsType = Namespace + "MapFlags";
    public const string MapPinningType = Namespace + "MapPinning";

    public static CustomAttribute? Find(ICustomAttributeProvider? provider, string fullName) =>
        provider is { HasCustomAttributes: true } ? provider.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == fullName) : null;

    public static bool Has(ICustomAttributeProvider? provider, string fullName) => Find(provider, fullName) is not null;

    /// <summary>The kernel struct a context type stands for: [ContextLayout(structName, size)].</summary>
    public static (string Name, int Size) ContextStruct(TypeDefinition context)
    {
        var layout = Find(context, ContextLayoutAttribute)
                     ?? throw new InvalidOperationException($"the context type '{context.FullName}' has no [ContextLayout]");
        return (Argument<string>(layout, 0), Argument<int>(layout, 1));
    }

    public static T Argument<T>(CustomAttribute attribute, int index) => (T)attribute.ConstructorArguments[index].Value;

    public static T Named<T>(CustomAttribute attribute, string name, T fallback)
    {
        foreach (var p in attribute.Properties)
            if (p.Name == name) return (T)p.Argument.Value;
        return fallback;
    }

    /// <summary>The [MapType] of a map class or one of its bases (LruHashMap derives from HashMap).</summary>
    public static int? MapType(TypeReference type)
    {
        for (var t = Resolve(type); t is not null; t = Resolve(t.BaseType))
        {
            // The attribute is not inherited: the most derived class that declares it wins.
            if (Find(t, MapTypeAttribute) is { } a) return Argument<int>(a, 0);
        }
        return null;
    }

    public static TypeDefinition? Resolve(TypeReference? type)
    {
        if (type is null) return null;
        try
        {
            return type.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }

    public static MethodDefinition? Resolve(MethodReference method)
    {
        try
        {
            return method.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }

    /// <summary>Whether a member is user-space only, by itself or through its type.</summary>
    public static bool IsManagedOnly(MethodDefinition method)
    {
        if (Has(method, ManagedOnlyAttribute) || Has(method.DeclaringType, ManagedOnlyAttribute)) return true;
        var property = method.DeclaringType.Properties.FirstOrDefault(p => p.GetMethod == method || p.SetMethod == method);
        return Has(property, ManagedOnlyAttribute);
    }

    /// <summary>The [ContextField] of a context accessor: on the property for getters/setters, on the method otherwise.</summary>
    public static CustomAttribute? ContextField(MethodDefinition method)
    {
        if (Find(method, ContextFieldAttribute) is { } direct) return direct;
        var property = method.DeclaringType.Properties.FirstOrDefault(p => p.GetMethod == method || p.SetMethod == method);
        return Find(property, ContextFieldAttribute);
    }
}

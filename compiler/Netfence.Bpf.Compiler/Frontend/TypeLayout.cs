using Mono.Cecil;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>How a C# type is represented in BPF code.</summary>
internal enum TypeKind
{
    /// <summary>An integer, bool, char or enum: lives in a register.</summary>
    Scalar,
    /// <summary>An unmanaged struct: lives in the frame.</summary>
    Struct,
    /// <summary>A program context (SkBuff, SockAddr): the r1 pointer.</summary>
    Context,
    /// <summary>A managed reference (ref/in/out): a compile-time frame address after inlining.</summary>
    ByReference,
    /// <summary>Anything else (classes, floats, pointers): not representable.</summary>
    Unsupported,
}

/// <summary>
/// Sizes, alignments and field offsets of unmanaged types, computed as the CLR lays them out (sequential layout with
/// natural alignment, or [StructLayout(Explicit)] offsets, and an explicit Size), so the bytes a program writes into
/// a map key are the bytes .NET writes.
/// </summary>
internal static class TypeLayout
{
    public static TypeKind Classify(TypeReference type)
    {
        if (type is ByReferenceType) return TypeKind.ByReference;
        if (type is PointerType or FunctionPointerType or ArrayType) return TypeKind.Unsupported;
        if (ScalarSize(type) is not null) return TypeKind.Scalar;
        var def = SdkMetadata.Resolve(type);
        if (def is null || !def.IsValueType) return TypeKind.Unsupported;
        if (SdkMetadata.Has(def, SdkMetadata.ContextLayoutAttribute)) return TypeKind.Context;
        return TypeKind.Struct;
    }

    /// <summary>Size of a primitive or enum, null for anything else.</summary>
    public static int? ScalarSize(TypeReference type)
    {
        switch (type.MetadataType)
        {
            case MetadataType.Boolean or MetadataType.Byte or MetadataType.SByte: return 1;
            case MetadataType.Char or MetadataType.Int16 or MetadataType.UInt16: return 2;
            case MetadataType.Int32 or MetadataType.UInt32: return 4;
            case MetadataType.Int64 or MetadataType.UInt64 or MetadataType.IntPtr or MetadataType.UIntPtr: return 8;
        }
        if (type is TypeDefinition or TypeReference && !type.IsGenericParameter && SdkMetadata.Resolve(type) is { IsEnum: true } e)
            return ScalarSize(e.Fields.First(f => !f.IsStatic).FieldType);
        return null;
    }

    /// <summary>Whether loads of this scalar sign-extend (sbyte, short; ints need nothing in 32-bit registers).</summary>
    public static bool IsSignedSmall(TypeReference type)
    {
        if (SdkMetadata.Resolve(type) is { IsEnum: true } e) type = e.Fields.First(f => !f.IsStatic).FieldType;
        return type.MetadataType is MetadataType.SByte or MetadataType.Int16;
    }

    public static bool IsFloatingPoint(TypeReference type) => type.MetadataType is MetadataType.Single or MetadataType.Double
        || type.FullName == "System.Decimal";

    public static int SizeOf(TypeReference type) => Layout(type).Size;

    public static int AlignOf(TypeReference type) => Layout(type).Align;

    /// <summary>The byte offset of <paramref name="field"/> within its declaring struct.</summary>
    public static int OffsetOf(FieldReference field)
    {
        var layout = Layout(field.DeclaringType);
        var def = SdkMetadata.Resolve(field.DeclaringType) ?? throw new LayoutException($"cannot resolve {field.DeclaringType.FullName}");
        var name = field.Name;
        foreach (var (f, offset) in layout.Fields)
            if (f.Name == name) return offset;
        throw new LayoutException($"{def.FullName} has no instance field {name}");
    }

    sealed record StructLayout(int Size, int Align, List<(FieldDefinition Field, int Offset)> Fields);

    // Keyed by the definition object: Cecil hands out one per loaded module, so two assemblies with equal type names
    // never share an entry.
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TypeDefinition, StructLayout> Cache = new();

    static StructLayout Layout(TypeReference type)
    {
        if (ScalarSize(type) is { } scalar) return new StructLayout(scalar, scalar, []);
        var def = SdkMetadata.Resolve(type);
        if (def is null || !def.IsValueType) throw new LayoutException($"'{type.FullName}' is not an unmanaged struct");
        if (Cache.TryGetValue(def, out var cached)) return cached;
        if (def.HasGenericParameters) throw new LayoutException($"generic struct '{type.FullName}' is not supported");
        var fields = new List<(FieldDefinition, int)>();
        int size = 0, align = 1;
        bool explicitLayout = def.IsExplicitLayout;
        int pack = def.PackingSize > 0 ? def.PackingSize : 8;
        foreach (var f in def.Fields.Where(f => !f.IsStatic))
        {
            if (Classify(f.FieldType) is not (TypeKind.Scalar or TypeKind.Struct))
                throw new LayoutException($"field '{def.Name}.{f.Name}' of type '{f.FieldType.FullName}' is not an unmanaged value");
            var inner = Layout(f.FieldType);
            int a = Math.Min(inner.Align, pack);
            int offset = explicitLayout ? f.Offset : (size + a - 1) / a * a;
            fields.Add((f, offset));
            size = Math.Max(size, offset + inner.Size);
            align = Math.Max(align, a);
        }
        size = (size + align - 1) / align * align;
        if (def.ClassSize > 0) size = Math.Max(size, def.ClassSize);
        if (size == 0) size = 1;
        var result = new StructLayout(size, align, fields);
        Cache.AddOrUpdate(def, result);
        return result;
    }
}

/// <summary>A type whose layout the compiler cannot compute.</summary>
internal sealed class LayoutException(string message) : Exception(message);

using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Netfence.Bpf.Analyzers;

/// <summary>The SDK's types as seen by one compilation, and which of its types hold BPF code.</summary>
internal sealed class SdkSymbols
{
    private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _bpfCodeTypes = new(SymbolEqualityComparer.Default);

    private SdkSymbols(Compilation compilation, INamedTypeSymbol program)
    {
        Compilation = compilation;
        ProgramAttribute = program;
        Assembly = program.ContainingAssembly;
        BpfCodeAttribute = Get(compilation, "BpfCodeAttribute");
        ManagedOnlyAttribute = Get(compilation, "ManagedOnlyAttribute");
        ContextFieldAttribute = Get(compilation, "ContextFieldAttribute");
        HookInfoAttribute = Get(compilation, "HookInfoAttribute");
        HelperAttribute = Get(compilation, "HelperAttribute");
        BpfMap = Get(compilation, "BpfMap");
        Span = compilation.GetTypeByMetadataName("System.Span`1");
        ReadOnlySpan = compilation.GetTypeByMetadataName("System.ReadOnlySpan`1");
    }

    public Compilation Compilation { get; }
    public IAssemblySymbol Assembly { get; }
    public INamedTypeSymbol ProgramAttribute { get; }
    public INamedTypeSymbol BpfCodeAttribute { get; }
    public INamedTypeSymbol ManagedOnlyAttribute { get; }
    public INamedTypeSymbol ContextFieldAttribute { get; }
    public INamedTypeSymbol HookInfoAttribute { get; }
    public INamedTypeSymbol HelperAttribute { get; }
    public INamedTypeSymbol BpfMap { get; }
    public INamedTypeSymbol? Span { get; }
    public INamedTypeSymbol? ReadOnlySpan { get; }

    /// <summary>The SDK symbols, or null when the compilation does not reference the SDK (nothing to check).</summary>
    public static SdkSymbols? TryCreate(Compilation compilation)
    {
        // A compilation with an SDK that lacks one of our types is not one we can judge: stay silent.
        var program = compilation.GetTypeByMetadataName("Netfence.Bpf.Sdk.ProgramAttribute");
        if (program is null || s_required.Any(n => compilation.GetTypeByMetadataName("Netfence.Bpf.Sdk." + n) is null))
            return null;
        return new SdkSymbols(compilation, program);
    }

    /// <summary>Types with a [Program] method or marked [BpfCode] hold BPF code.</summary>
    public bool IsBpfCode(INamedTypeSymbol? type) =>
        type is not null && _bpfCodeTypes.GetOrAdd(type.OriginalDefinition, t =>
            HasAttribute(t, BpfCodeAttribute) ||
            t.GetMembers().OfType<IMethodSymbol>().Any(m => HasAttribute(m, ProgramAttribute)));

    public bool IsSdk(ISymbol symbol) => SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, Assembly);

    public bool IsInCompilation(ISymbol symbol) =>
        SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, Compilation.Assembly);

    public bool IsMapType(ITypeSymbol? type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, BpfMap))
                return true;
        }

        return false;
    }

    public bool IsSpan(ITypeSymbol? type) =>
        type is INamedTypeSymbol named &&
        (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, Span) ||
         SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ReadOnlySpan));

    public static bool HasAttribute(ISymbol symbol, INamedTypeSymbol attribute) =>
        symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

    public static AttributeData? GetAttribute(ISymbol symbol, INamedTypeSymbol attribute) =>
        symbol.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

    /// <summary>
    /// The [HookInfo] of the Hook member a [Program] attribute names (the same metadata the compiler and the loader
    /// use), or null when the attribute does not name one.
    /// </summary>
    public AttributeData? HookInfo(AttributeData program)
    {
        if (program.ConstructorArguments.Length != 1 || program.ConstructorArguments[0] is not { Type: INamedTypeSymbol hookEnum, Value: { } value })
            return null;
        var member = hookEnum.GetMembers().OfType<IFieldSymbol>()
            .FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value));
        return member is null ? null : GetAttribute(member, HookInfoAttribute);
    }

    /// <summary>The program type (bpf_prog_type) of a [Program] attribute's hook, from its [HookInfo].</summary>
    public int? HookProgramType(AttributeData program) =>
        HookInfo(program)?.ConstructorArguments.ElementAtOrDefault(2).Value is int type ? type : null;

    /// <summary>Whether an SDK member (or its property, or its type) is for tests and user space only.</summary>
    public bool IsManagedOnly(ISymbol member)
    {
        for (ISymbol? s = member; s is not null; s = s.ContainingType)
        {
            if (HasAttribute(s, ManagedOnlyAttribute))
                return true;
            if (s is IMethodSymbol { AssociatedSymbol: { } property } && HasAttribute(property, ManagedOnlyAttribute))
                return true;
        }

        return false;
    }

    private static readonly string[] s_required =
        ["BpfCodeAttribute", "ManagedOnlyAttribute", "ContextFieldAttribute", "HookInfoAttribute", "HelperAttribute", "BpfMap"];

    private static INamedTypeSymbol Get(Compilation compilation, string name) =>
        compilation.GetTypeByMetadataName("Netfence.Bpf.Sdk." + name)!;
}

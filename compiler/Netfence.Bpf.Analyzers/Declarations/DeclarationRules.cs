using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

/// <summary>Rules about the members a BPF code type declares: fields, program signatures, generic methods.</summary>
internal static class DeclarationRules
{
    public static void Analyze(SymbolAnalysisContext context, SdkSymbols sdk)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!sdk.IsBpfCode(type))
            return;

        foreach (var member in type.GetMembers())
        {
            switch (member)
            {
                case IFieldSymbol field when !field.IsImplicitlyDeclared:
                    AnalyzeField(context, sdk, field);
                    break;
                case IMethodSymbol method when !method.IsImplicitlyDeclared:
                    AnalyzeMethod(context, sdk, method);
                    break;
            }
        }
    }

    private static void AnalyzeField(SymbolAnalysisContext context, SdkSymbols sdk, IFieldSymbol field)
    {
        if (field.IsConst)
            return;
        var location = field.Locations.FirstOrDefault() ?? Location.None;

        if (sdk.IsMapType(field.Type))
        {
            if (!field.IsStatic || !field.IsReadOnly)
                Report(context, DiagnosticCatalogue.MapFieldDeclaration, location, field.Name, "must be static readonly");
            else if (Initializer(field) is null)
                Report(context, DiagnosticCatalogue.MapFieldDeclaration, location, field.Name, "has no initializer");
            return;
        }

        if (field.IsStatic && !field.IsReadOnly)
            Report(context, DiagnosticCatalogue.MutableStaticField, location, field.Name);
        if (field.Type.IsReferenceType)
            Report(context, DiagnosticCatalogue.ReferenceTypeVariable, location, field.Name, field.Type.ToDisplayString());
        if (field.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
            Report(context, DiagnosticCatalogue.UnsafeCode, location, "pointer field " + field.Name);
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, SdkSymbols sdk, IMethodSymbol method)
    {
        var location = method.Locations.FirstOrDefault() ?? Location.None;
        foreach (var parameter in method.Parameters)
        {
            var parameterLocation = parameter.Locations.FirstOrDefault() ?? location;
            if (parameter.Type.IsReferenceType)
                Report(context, DiagnosticCatalogue.ReferenceTypeVariable, parameterLocation, parameter.Name, parameter.Type.ToDisplayString());
            if (parameter.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
                Report(context, DiagnosticCatalogue.UnsafeCode, parameterLocation, "pointer parameter " + parameter.Name);
        }

        if (method.ReturnType is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
            Report(context, DiagnosticCatalogue.UnsafeCode, location, "pointer return type");

        if (method.IsAsync)
            Report(context, DiagnosticCatalogue.AsyncAwait, location, "async method " + method.Name);

        if (method.DeclaringSyntaxReferences.Any(r => r.GetSyntax(context.CancellationToken) is MemberDeclarationSyntax m &&
                                                      m.Modifiers.Any(SyntaxKind.UnsafeKeyword)))
            Report(context, DiagnosticCatalogue.UnsafeCode, location, "unsafe method " + method.Name);

        foreach (var typeParameter in method.TypeParameters)
        {
            if (!typeParameter.HasUnmanagedTypeConstraint)
                Report(context, DiagnosticCatalogue.GenericOverManagedType, typeParameter.Locations.FirstOrDefault() ?? location,
                    typeParameter.Name, method.Name);
        }

        var program = SdkSymbols.GetAttribute(method, sdk.ProgramAttribute);
        if (program is not null)
            AnalyzeProgram(context, sdk, method, program, location);
    }

    private static void AnalyzeProgram(SymbolAnalysisContext context, SdkSymbols sdk, IMethodSymbol method, AttributeData program, Location location)
    {
        var contextType = HookContextType(sdk, program);
        var contextName = contextType?.Name ?? "Context";
        string? problem = null;
        if (method.DeclaredAccessibility != Accessibility.Public)
            problem = "it is not public";
        else if (!method.IsStatic)
            problem = "it is not static";
        else if (method.ReturnType.SpecialType != SpecialType.System_Int32)
            problem = $"it returns {method.ReturnType.ToDisplayString()}, not int";
        else if (method.IsGenericMethod)
            problem = "it is generic";
        else if (method.Parameters.Length != 1)
            problem = $"it takes {method.Parameters.Length} parameters, not one";
        else if (method.Parameters[0].RefKind != RefKind.None)
            problem = "the context is passed by reference, not by value";
        else if (contextType is not null && !SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, contextType))
            problem = $"the hook's context is {contextType.Name}, not {method.Parameters[0].Type.ToDisplayString()}";

        if (problem is not null)
            Report(context, DiagnosticCatalogue.ProgramSignature, location, method.Name, contextName, problem);
    }

    // The hook's context type, read from the [HookInfo] of the Hook member the attribute names: the same metadata
    // the compiler and the loader use.
    private static ITypeSymbol? HookContextType(SdkSymbols sdk, AttributeData program) =>
        sdk.HookInfo(program)?.ConstructorArguments.LastOrDefault().Value as ITypeSymbol;

    private static EqualsValueClauseSyntax? Initializer(IFieldSymbol field) =>
        field.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<VariableDeclaratorSyntax>()
            .Select(v => v.Initializer).FirstOrDefault(i => i is not null);

    private static void Report(SymbolAnalysisContext context, DiagnosticEntry entry, Location location, params object[] arguments) =>
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.For(entry), location, arguments));
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

/// <summary>
/// Reports, with the catalogue's NF ids, every construct in BPF code (types with a [Program] method or marked
/// [BpfCode]) that the kernel cannot run or that would behave differently in .NET and in the kernel.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetfenceBpfAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Descriptors.All;

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var sdk = SdkSymbols.TryCreate(start.Compilation);
            if (sdk is null)
                return;

            var graph = new CallGraph();
            start.RegisterSymbolAction(c => DeclarationRules.Analyze(c, sdk), SymbolKind.NamedType);
            start.RegisterOperationBlockAction(c =>
            {
                if (c.OwningSymbol.ContainingType is { } type && sdk.IsBpfCode(type))
                    new BodyWalker(sdk, graph, c).Run();
                if (c.OwningSymbol is IMethodSymbol method && SdkSymbols.GetAttribute(method, sdk.ProgramAttribute) is { } program
                    && sdk.HookProgramType(program) is { } programType)
                    graph.AddProgram(method, programType);
            });
            start.RegisterCompilationEndAction(end =>
            {
                foreach (var (caller, cycle, location) in graph.CallsOnCycles())
                    end.ReportDiagnostic(Diagnostic.Create(Descriptors.For(DiagnosticCatalogue.Recursion), location, caller.Name, cycle));
                foreach (var (program, type, helper, id, types, location) in graph.UnavailableHelperCalls())
                    end.ReportDiagnostic(Diagnostic.Create(Descriptors.For(DiagnosticCatalogue.HelperNotAvailable), location, helper, id,
                        KernelSupport.ProgramTypeName(type), program.Name, KernelSupport.ProgramTypeNames(types)));
            });
        });
    }
}

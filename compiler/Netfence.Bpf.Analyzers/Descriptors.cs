using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

/// <summary>The catalogue's entries as Roslyn descriptors: the analyzer reports only what the catalogue defines.</summary>
/// <remarks>
/// Each descriptor is a field written out with the catalogue's id and category constants, rather than converted in
/// a loop, because release tracking (AnalyzerReleases.*.md) reads ids and categories from descriptor fields at
/// compile time (it does not see descriptors built by a helper). Title, message and help come from the entry, and a
/// test checks every field's id and category against its entry, so the catalogue stays the single source.
/// </remarks>
internal static class Descriptors
{
    private static readonly DiagnosticDescriptor ReferenceTypeAllocation = new DiagnosticDescriptor(
        DiagnosticIds.ReferenceTypeAllocation, DiagnosticCatalogue.ReferenceTypeAllocation.Title, DiagnosticCatalogue.ReferenceTypeAllocation.MessageFormat,
        DiagnosticCategory.Allocation, DiagnosticSeverity.Error, true, DiagnosticCatalogue.ReferenceTypeAllocation.Help);

    private static readonly DiagnosticDescriptor ArrayAllocation = new DiagnosticDescriptor(
        DiagnosticIds.ArrayAllocation, DiagnosticCatalogue.ArrayAllocation.Title, DiagnosticCatalogue.ArrayAllocation.MessageFormat,
        DiagnosticCategory.Allocation, DiagnosticSeverity.Error, true, DiagnosticCatalogue.ArrayAllocation.Help);

    private static readonly DiagnosticDescriptor StringUse = new DiagnosticDescriptor(
        DiagnosticIds.StringUse, DiagnosticCatalogue.StringUse.Title, DiagnosticCatalogue.StringUse.MessageFormat,
        DiagnosticCategory.Allocation, DiagnosticSeverity.Error, true, DiagnosticCatalogue.StringUse.Help);

    private static readonly DiagnosticDescriptor Boxing = new DiagnosticDescriptor(
        DiagnosticIds.Boxing, DiagnosticCatalogue.Boxing.Title, DiagnosticCatalogue.Boxing.MessageFormat,
        DiagnosticCategory.Allocation, DiagnosticSeverity.Error, true, DiagnosticCatalogue.Boxing.Help);

    private static readonly DiagnosticDescriptor LambdaOrDelegate = new DiagnosticDescriptor(
        DiagnosticIds.LambdaOrDelegate, DiagnosticCatalogue.LambdaOrDelegate.Title, DiagnosticCatalogue.LambdaOrDelegate.MessageFormat,
        DiagnosticCategory.Allocation, DiagnosticSeverity.Error, true, DiagnosticCatalogue.LambdaOrDelegate.Help);

    private static readonly DiagnosticDescriptor Linq = new DiagnosticDescriptor(
        DiagnosticIds.Linq, DiagnosticCatalogue.Linq.Title, DiagnosticCatalogue.Linq.MessageFormat,
        DiagnosticCategory.Allocation, DiagnosticSeverity.Error, true, DiagnosticCatalogue.Linq.Help);

    private static readonly DiagnosticDescriptor VirtualCall = new DiagnosticDescriptor(
        DiagnosticIds.VirtualCall, DiagnosticCatalogue.VirtualCall.Title, DiagnosticCatalogue.VirtualCall.MessageFormat,
        DiagnosticCategory.Calls, DiagnosticSeverity.Error, true, DiagnosticCatalogue.VirtualCall.Help);

    private static readonly DiagnosticDescriptor Throw = new DiagnosticDescriptor(
        DiagnosticIds.Throw, DiagnosticCatalogue.Throw.Title, DiagnosticCatalogue.Throw.MessageFormat,
        DiagnosticCategory.ControlFlow, DiagnosticSeverity.Error, true, DiagnosticCatalogue.Throw.Help);

    private static readonly DiagnosticDescriptor ExceptionHandling = new DiagnosticDescriptor(
        DiagnosticIds.ExceptionHandling, DiagnosticCatalogue.ExceptionHandling.Title, DiagnosticCatalogue.ExceptionHandling.MessageFormat,
        DiagnosticCategory.ControlFlow, DiagnosticSeverity.Error, true, DiagnosticCatalogue.ExceptionHandling.Help);

    private static readonly DiagnosticDescriptor CheckedArithmetic = new DiagnosticDescriptor(
        DiagnosticIds.CheckedArithmetic, DiagnosticCatalogue.CheckedArithmetic.Title, DiagnosticCatalogue.CheckedArithmetic.MessageFormat,
        DiagnosticCategory.Arithmetic, DiagnosticSeverity.Error, true, DiagnosticCatalogue.CheckedArithmetic.Help);

    private static readonly DiagnosticDescriptor FloatingPoint = new DiagnosticDescriptor(
        DiagnosticIds.FloatingPoint, DiagnosticCatalogue.FloatingPoint.Title, DiagnosticCatalogue.FloatingPoint.MessageFormat,
        DiagnosticCategory.Arithmetic, DiagnosticSeverity.Error, true, DiagnosticCatalogue.FloatingPoint.Help);

    private static readonly DiagnosticDescriptor Recursion = new DiagnosticDescriptor(
        DiagnosticIds.Recursion, DiagnosticCatalogue.Recursion.Title, DiagnosticCatalogue.Recursion.MessageFormat,
        DiagnosticCategory.Calls, DiagnosticSeverity.Error, true, DiagnosticCatalogue.Recursion.Help, WellKnownDiagnosticTags.CompilationEnd);

    private static readonly DiagnosticDescriptor UnboundedLoop = new DiagnosticDescriptor(
        DiagnosticIds.UnboundedLoop, DiagnosticCatalogue.UnboundedLoop.Title, DiagnosticCatalogue.UnboundedLoop.MessageFormat,
        DiagnosticCategory.ControlFlow, DiagnosticSeverity.Error, true, DiagnosticCatalogue.UnboundedLoop.Help);

    private static readonly DiagnosticDescriptor CallOutsideSdk = new DiagnosticDescriptor(
        DiagnosticIds.CallOutsideSdk, DiagnosticCatalogue.CallOutsideSdk.Title, DiagnosticCatalogue.CallOutsideSdk.MessageFormat,
        DiagnosticCategory.Calls, DiagnosticSeverity.Error, true, DiagnosticCatalogue.CallOutsideSdk.Help);

    private static readonly DiagnosticDescriptor CallToNonBpfUserCode = new DiagnosticDescriptor(
        DiagnosticIds.CallToNonBpfUserCode, DiagnosticCatalogue.CallToNonBpfUserCode.Title, DiagnosticCatalogue.CallToNonBpfUserCode.MessageFormat,
        DiagnosticCategory.Calls, DiagnosticSeverity.Error, true, DiagnosticCatalogue.CallToNonBpfUserCode.Help);

    private static readonly DiagnosticDescriptor DivisionByUnprovenDivisor = new DiagnosticDescriptor(
        DiagnosticIds.DivisionByUnprovenDivisor, DiagnosticCatalogue.DivisionByUnprovenDivisor.Title, DiagnosticCatalogue.DivisionByUnprovenDivisor.MessageFormat,
        DiagnosticCategory.Arithmetic, DiagnosticSeverity.Error, true, DiagnosticCatalogue.DivisionByUnprovenDivisor.Help);

    private static readonly DiagnosticDescriptor UncheckedMapLookup = new DiagnosticDescriptor(
        DiagnosticIds.UncheckedMapLookup, DiagnosticCatalogue.UncheckedMapLookup.Title, DiagnosticCatalogue.UncheckedMapLookup.MessageFormat,
        DiagnosticCategory.Maps, DiagnosticSeverity.Error, true, DiagnosticCatalogue.UncheckedMapLookup.Help);

    private static readonly DiagnosticDescriptor MutableStaticField = new DiagnosticDescriptor(
        DiagnosticIds.MutableStaticField, DiagnosticCatalogue.MutableStaticField.Title, DiagnosticCatalogue.MutableStaticField.MessageFormat,
        DiagnosticCategory.Memory, DiagnosticSeverity.Error, true, DiagnosticCatalogue.MutableStaticField.Help);

    private static readonly DiagnosticDescriptor UnsafeCode = new DiagnosticDescriptor(
        DiagnosticIds.UnsafeCode, DiagnosticCatalogue.UnsafeCode.Title, DiagnosticCatalogue.UnsafeCode.MessageFormat,
        DiagnosticCategory.Memory, DiagnosticSeverity.Error, true, DiagnosticCatalogue.UnsafeCode.Help);

    private static readonly DiagnosticDescriptor ForeachOverNonSpan = new DiagnosticDescriptor(
        DiagnosticIds.ForeachOverNonSpan, DiagnosticCatalogue.ForeachOverNonSpan.Title, DiagnosticCatalogue.ForeachOverNonSpan.MessageFormat,
        DiagnosticCategory.ControlFlow, DiagnosticSeverity.Error, true, DiagnosticCatalogue.ForeachOverNonSpan.Help);

    private static readonly DiagnosticDescriptor Lock = new DiagnosticDescriptor(
        DiagnosticIds.Lock, DiagnosticCatalogue.Lock.Title, DiagnosticCatalogue.Lock.MessageFormat,
        DiagnosticCategory.ControlFlow, DiagnosticSeverity.Error, true, DiagnosticCatalogue.Lock.Help);

    private static readonly DiagnosticDescriptor AsyncAwait = new DiagnosticDescriptor(
        DiagnosticIds.AsyncAwait, DiagnosticCatalogue.AsyncAwait.Title, DiagnosticCatalogue.AsyncAwait.MessageFormat,
        DiagnosticCategory.ControlFlow, DiagnosticSeverity.Error, true, DiagnosticCatalogue.AsyncAwait.Help);

    private static readonly DiagnosticDescriptor Yield = new DiagnosticDescriptor(
        DiagnosticIds.Yield, DiagnosticCatalogue.Yield.Title, DiagnosticCatalogue.Yield.MessageFormat,
        DiagnosticCategory.ControlFlow, DiagnosticSeverity.Error, true, DiagnosticCatalogue.Yield.Help);

    private static readonly DiagnosticDescriptor Dynamic = new DiagnosticDescriptor(
        DiagnosticIds.Dynamic, DiagnosticCatalogue.Dynamic.Title, DiagnosticCatalogue.Dynamic.MessageFormat,
        DiagnosticCategory.Calls, DiagnosticSeverity.Error, true, DiagnosticCatalogue.Dynamic.Help);

    private static readonly DiagnosticDescriptor ReferenceTypeVariable = new DiagnosticDescriptor(
        DiagnosticIds.ReferenceTypeVariable, DiagnosticCatalogue.ReferenceTypeVariable.Title, DiagnosticCatalogue.ReferenceTypeVariable.MessageFormat,
        DiagnosticCategory.Memory, DiagnosticSeverity.Error, true, DiagnosticCatalogue.ReferenceTypeVariable.Help);

    private static readonly DiagnosticDescriptor GenericOverManagedType = new DiagnosticDescriptor(
        DiagnosticIds.GenericOverManagedType, DiagnosticCatalogue.GenericOverManagedType.Title, DiagnosticCatalogue.GenericOverManagedType.MessageFormat,
        DiagnosticCategory.Calls, DiagnosticSeverity.Error, true, DiagnosticCatalogue.GenericOverManagedType.Help);

    private static readonly DiagnosticDescriptor MapFieldDeclaration = new DiagnosticDescriptor(
        DiagnosticIds.MapFieldDeclaration, DiagnosticCatalogue.MapFieldDeclaration.Title, DiagnosticCatalogue.MapFieldDeclaration.MessageFormat,
        DiagnosticCategory.Maps, DiagnosticSeverity.Error, true, DiagnosticCatalogue.MapFieldDeclaration.Help);

    private static readonly DiagnosticDescriptor ProgramSignature = new DiagnosticDescriptor(
        DiagnosticIds.ProgramSignature, DiagnosticCatalogue.ProgramSignature.Title, DiagnosticCatalogue.ProgramSignature.MessageFormat,
        DiagnosticCategory.Programs, DiagnosticSeverity.Error, true, DiagnosticCatalogue.ProgramSignature.Help);

    private static readonly DiagnosticDescriptor UnsupportedConstruct = new DiagnosticDescriptor(
        DiagnosticIds.UnsupportedConstruct, DiagnosticCatalogue.UnsupportedConstruct.Title, DiagnosticCatalogue.UnsupportedConstruct.MessageFormat,
        DiagnosticCategory.Unsupported, DiagnosticSeverity.Error, true, DiagnosticCatalogue.UnsupportedConstruct.Help);

    private static readonly DiagnosticDescriptor ManagedOnlySdkMember = new DiagnosticDescriptor(
        DiagnosticIds.ManagedOnlySdkMember, DiagnosticCatalogue.ManagedOnlySdkMember.Title, DiagnosticCatalogue.ManagedOnlySdkMember.MessageFormat,
        DiagnosticCategory.Calls, DiagnosticSeverity.Error, true, DiagnosticCatalogue.ManagedOnlySdkMember.Help);

    private static readonly DiagnosticDescriptor ContextIndex = new DiagnosticDescriptor(
        DiagnosticIds.ContextIndex, DiagnosticCatalogue.ContextIndex.Title, DiagnosticCatalogue.ContextIndex.MessageFormat,
        DiagnosticCategory.Context, DiagnosticSeverity.Error, true, DiagnosticCatalogue.ContextIndex.Help);

    private static readonly DiagnosticDescriptor ConfigFieldInitializer = new DiagnosticDescriptor(
        DiagnosticIds.ConfigFieldInitializer, DiagnosticCatalogue.ConfigFieldInitializer.Title, DiagnosticCatalogue.ConfigFieldInitializer.MessageFormat,
        DiagnosticCategory.Memory, DiagnosticSeverity.Error, true, DiagnosticCatalogue.ConfigFieldInitializer.Help);

    private static readonly DiagnosticDescriptor SignedDivisionOverflow = new DiagnosticDescriptor(
        DiagnosticIds.SignedDivisionOverflow, DiagnosticCatalogue.SignedDivisionOverflow.Title, DiagnosticCatalogue.SignedDivisionOverflow.MessageFormat,
        DiagnosticCategory.Arithmetic, DiagnosticSeverity.Error, true, DiagnosticCatalogue.SignedDivisionOverflow.Help);

    private static readonly DiagnosticDescriptor UncheckedMapValueReference = new DiagnosticDescriptor(
        DiagnosticIds.UncheckedMapValueReference, DiagnosticCatalogue.UncheckedMapValueReference.Title, DiagnosticCatalogue.UncheckedMapValueReference.MessageFormat,
        DiagnosticCategory.Maps, DiagnosticSeverity.Error, true, DiagnosticCatalogue.UncheckedMapValueReference.Help);

    private static readonly DiagnosticDescriptor HelperNotAvailable = new DiagnosticDescriptor(
        DiagnosticIds.HelperNotAvailable, DiagnosticCatalogue.HelperNotAvailable.Title, DiagnosticCatalogue.HelperNotAvailable.MessageFormat,
        DiagnosticCategory.Calls, DiagnosticSeverity.Error, true, DiagnosticCatalogue.HelperNotAvailable.Help);

    /// <summary>Every descriptor the analyzer can report, in id order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        ReferenceTypeAllocation, ArrayAllocation, StringUse, Boxing, LambdaOrDelegate, Linq, VirtualCall, Throw, ExceptionHandling, CheckedArithmetic, FloatingPoint, Recursion, UnboundedLoop, CallOutsideSdk, CallToNonBpfUserCode, DivisionByUnprovenDivisor, UncheckedMapLookup, MutableStaticField, UnsafeCode, ForeachOverNonSpan, Lock, AsyncAwait, Yield, Dynamic, ReferenceTypeVariable, GenericOverManagedType, MapFieldDeclaration, ProgramSignature, UnsupportedConstruct, ManagedOnlySdkMember, ContextIndex, ConfigFieldInitializer, SignedDivisionOverflow, UncheckedMapValueReference, HelperNotAvailable);

    private static readonly ImmutableDictionary<string, DiagnosticDescriptor> s_byId = All.ToImmutableDictionary(d => d.Id);

    /// <summary>The descriptor of a catalogue entry.</summary>
    public static DiagnosticDescriptor For(DiagnosticEntry entry) => s_byId[entry.Id];
}

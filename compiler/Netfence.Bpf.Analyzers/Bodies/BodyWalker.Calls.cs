using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

// What BPF code may call: SDK members with a kernel lowering, and methods of BPF code types; nothing else.
internal sealed partial class BodyWalker
{
    private void CheckInvocation(IInvocationOperation invocation)
    {
        var target = invocation.TargetMethod;
        if (target.ContainingNamespace?.ToDisplayString().StartsWith("System.Linq", StringComparison.Ordinal) == true)
        {
            if (!invocation.IsImplicit)
                Report(DiagnosticCatalogue.Linq, invocation, target.Name);
            return;
        }

        if (invocation.IsVirtual || target.ContainingType?.TypeKind == TypeKind.Interface)
        {
            Report(DiagnosticCatalogue.VirtualCall, invocation, target.ToDisplayString());
            return;
        }

        CheckMember(target, invocation, target);
        if (!sdk.IsSdk(target))
            return;

        if (IsReferenceLookup(target))
            CheckReferenceLookup(invocation);

        if (target.Name == "TryLookup" && sdk.IsMapType(target.ContainingType) &&
            invocation.Parent is IExpressionStatementOperation or ISimpleAssignmentOperation { Target: IDiscardOperation })
            Report(DiagnosticCatalogue.UncheckedMapLookup, invocation, invocation.Syntax.ToString());

        CheckContextIndex(invocation);
        RecordRestrictedHelper(invocation);
    }

    // Whether the helper is available depends on the programs that reach this call: decided when the compilation ends.
    private void RecordRestrictedHelper(IInvocationOperation invocation)
    {
        var helper = SdkSymbols.GetAttribute(invocation.TargetMethod, sdk.HelperAttribute);
        if (helper is null || Caller(invocation) is not { } caller)
            return;
        var types = helper.NamedArguments.Where(a => a.Key == "ProgramTypes" && a.Value.Kind == TypedConstantKind.Array && !a.Value.IsNull)
            .SelectMany(a => a.Value.Values).Select(v => v.Value).OfType<int>().ToArray();
        if (types.Length == 0)
            return;
        var id = helper.ConstructorArguments.FirstOrDefault().Value is int i ? i : 0;
        graph.AddRestrictedHelperCall(caller, invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name, id,
            types, invocation.Syntax.GetLocation());
    }

    private void CheckContextIndex(IInvocationOperation invocation)
    {
        var field = SdkSymbols.GetAttribute(invocation.TargetMethod, sdk.ContextFieldAttribute);
        var count = field?.NamedArguments.Where(a => a.Key == "Count").Select(a => a.Value.Value).OfType<int>().FirstOrDefault() ?? 0;
        if (count <= 1)
            return;

        var index = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "index")?.Value;
        if (index?.ConstantValue is { HasValue: true, Value: int value } && value >= 0 && value < count)
            return;
        Report(DiagnosticCatalogue.ContextIndex, invocation, invocation.TargetMethod.Name, count - 1);
    }

    // Classifies a called member (method, accessor, constructor) by where it lives.
    private void CheckMember(ISymbol member, IOperation operation, IMethodSymbol? method)
    {
        if (sdk.IsSdk(member))
        {
            if (sdk.IsManagedOnly(member))
                Report(DiagnosticCatalogue.ManagedOnlySdkMember, operation, member.ToDisplayString());
            return;
        }

        // Span members compile to plain bounded memory access.
        if (sdk.IsSpan(member.ContainingType))
            return;

        if (sdk.IsInCompilation(member))
        {
            if (method?.MethodKind == MethodKind.LocalFunction || sdk.IsBpfCode(member.ContainingType))
            {
                if (method is not null && Caller(operation) is { } caller)
                    graph.Add(caller, method, operation.Syntax.GetLocation());
                return;
            }

            Report(DiagnosticCatalogue.CallToNonBpfUserCode, operation, member.ToDisplayString(),
                member.ContainingType?.ToDisplayString() ?? "?");
            return;
        }

        Report(DiagnosticCatalogue.CallOutsideSdk, operation, member.ToDisplayString());
    }

    private void CheckFieldReference(IFieldReferenceOperation reference)
    {
        var field = reference.Field;
        // A BPF code type's own mutable statics are reported once, at their declaration.
        if (field.IsStatic && !field.IsReadOnly && !field.IsConst &&
            !(sdk.IsInCompilation(field) && sdk.IsBpfCode(field.ContainingType)))
            Report(DiagnosticCatalogue.MutableStaticField, reference, field.ToDisplayString());
    }

    private void CheckDynamic(IOperation operation)
    {
        if (operation.Type?.TypeKind == TypeKind.Dynamic && operation.Parent?.Type?.TypeKind != TypeKind.Dynamic)
            Report(DiagnosticCatalogue.Dynamic, operation, operation.Syntax.ToString());
    }
}

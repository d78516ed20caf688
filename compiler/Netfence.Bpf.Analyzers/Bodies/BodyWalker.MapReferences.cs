using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

// A map value reference from a ref-returning Lookup is null when the key is absent: it must go into a ref local
// whose first use is BpfMap.IsMissing (NF0036), and discarding it is an unchecked lookup (NF0018). The IL walker
// applies the same rule to the same method body, in IL order.
internal sealed partial class BodyWalker
{
    private bool IsReferenceLookup(IMethodSymbol method) =>
        method.ReturnsByRef && sdk.IsMapType(method.ContainingType) && method.Name == "Lookup";

    private static bool IsNullTest(IOperation? operation) =>
        operation is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "IsMissing", ContainingType.Name: "BpfMap" } } };

    private void CheckReferenceLookup(IInvocationOperation invocation)
    {
        var member = $"{invocation.TargetMethod.ContainingType.Name}.{invocation.TargetMethod.Name}";
        var parent = invocation.Parent;
        if (parent is IExpressionStatementOperation or ISimpleAssignmentOperation { Target: IDiscardOperation })
        {
            Report(DiagnosticCatalogue.UncheckedMapLookup, invocation, invocation.Syntax.ToString());
            return;
        }
        if (IsNullTest(parent))
            return;
        ILocalSymbol? local = parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: { RefKind: not RefKind.None } l } } => l,
            ISimpleAssignmentOperation { IsRef: true, Target: ILocalReferenceOperation { Local: var l } } => l,
            _ => null,
        };
        if (local is null)
        {
            Report(DiagnosticCatalogue.UncheckedMapValueReference, invocation, member);
            return;
        }
        var first = context.OperationBlocks.SelectMany(b => b.DescendantsAndSelf())
            .OfType<ILocalReferenceOperation>()
            .Where(r => SymbolEqualityComparer.Default.Equals(r.Local, local) && r.Syntax.SpanStart > invocation.Syntax.SpanStart)
            .OrderBy(r => r.Syntax.SpanStart)
            .FirstOrDefault();
        if (first is not null && !IsNullTest(first.Parent))
            Report(DiagnosticCatalogue.UncheckedMapValueReference, first, member);
    }
}

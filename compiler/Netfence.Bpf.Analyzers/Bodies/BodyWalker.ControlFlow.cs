using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

// Loops the verifier can bound. The analyzer flags what is visible in source; the IL walker checks the rest.
internal sealed partial class BodyWalker
{
    private void CheckForEach(IForEachLoopOperation loop)
    {
        var collection = WithoutConversions(loop.Collection);
        if (!sdk.IsSpan(collection.Type))
            Report(DiagnosticCatalogue.ForeachOverNonSpan, loop.Collection, collection.Type?.ToDisplayString() ?? "?");
    }

    private void CheckLoop(ILoopOperation loop)
    {
        var condition = loop switch
        {
            IWhileLoopOperation w => w.Condition,
            IForLoopOperation f => f.Condition,
            _ => null,
        };

        if (condition is null || condition.ConstantValue is { HasValue: true, Value: true })
        {
            if (!HasExit(loop))
                Report(DiagnosticCatalogue.UnboundedLoop, LoopLocation(loop), "it has no condition and no break or return");
            return;
        }

        if (!IsBounded(condition))
            Report(DiagnosticCatalogue.UnboundedLoop, LoopLocation(loop),
                $"'{condition.Syntax}' does not compare against a constant or static readonly configuration");
    }

    private static bool HasExit(ILoopOperation loop) =>
        loop.Body.DescendantsAndSelf().Any(o =>
            (o is IBranchOperation { BranchKind: BranchKind.Break } branch && SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel)) ||
            o is IReturnOperation { Kind: OperationKind.Return });

    // A condition bounds the loop when it compares something with a bound; && needs one bounded side, || both.
    private bool IsBounded(IOperation condition)
    {
        if (WithoutConversions(condition) is not IBinaryOperation binary)
            return false;
        return binary.OperatorKind switch
        {
            BinaryOperatorKind.ConditionalAnd => IsBounded(binary.LeftOperand) || IsBounded(binary.RightOperand),
            BinaryOperatorKind.ConditionalOr => IsBounded(binary.LeftOperand) && IsBounded(binary.RightOperand),
            BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan
                or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.NotEquals =>
                IsBound(binary.LeftOperand) || IsBound(binary.RightOperand),
            _ => false,
        };
    }

    // A bound: a constant, a static readonly configuration field, or arithmetic over them.
    private bool IsBound(IOperation operation)
    {
        operation = WithoutConversions(operation);
        if (operation.ConstantValue.HasValue)
            return true;
        return operation switch
        {
            IFieldReferenceOperation { Field: { IsStatic: true, IsReadOnly: true } field } => !sdk.IsMapType(field.Type),
            IBinaryOperation binary => IsBound(binary.LeftOperand) && IsBound(binary.RightOperand),
            _ => false,
        };
    }

    // The loop keyword rather than the whole body, so the squiggle is short.
    private static Location LoopLocation(ILoopOperation loop) =>
        loop.Syntax.GetFirstToken().GetLocation();
}

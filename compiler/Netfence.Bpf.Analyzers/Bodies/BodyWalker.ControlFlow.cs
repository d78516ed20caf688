using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

// Loops the verifier can bound, by the rule both stages share (LoopBoundRule).
internal sealed partial class BodyWalker
{
    private void CheckForEach(IForEachLoopOperation loop)
    {
        var collection = WithoutConversions(loop.Collection);
        if (!sdk.IsSpan(collection.Type))
            Report(DiagnosticCatalogue.ForeachOverNonSpan, loop.Collection, collection.Type?.ToDisplayString() ?? "?");
    }

    // NF0013 by LoopBoundRule: some exit test run in every iteration compares a counter with a bound, and the loop
    // steps that counter once per iteration towards it.
    private void CheckLoop(ILoopOperation loop)
    {
        var condition = loop switch
        {
            IWhileLoopOperation w => w.Condition,
            IForLoopOperation f => f.Condition,
            _ => null,
        };

        var tests = new List<(IOperation Comparison, bool ContinuesWhenTrue)>();
        if (condition is not null && condition.ConstantValue is not { HasValue: true, Value: true })
        {
            foreach (var conjunct in Operands(condition, BinaryOperatorKind.ConditionalAnd))
                tests.Add((conjunct, true));
        }

        var statements = BodyStatements(loop);
        foreach (var statement in statements)
        {
            if (IsContinue(statement, loop))
                break;
            if (statement is IConditionalOperation { WhenFalse: null } conditional && IsBreak(conditional.WhenTrue, loop))
            {
                foreach (var disjunct in Operands(conditional.Condition, BinaryOperatorKind.ConditionalOr))
                    tests.Add((disjunct, false));
            }
        }

        string? counterProblem = null;
        foreach (var (comparison, continuesWhenTrue) in tests)
        {
            if (!TryCounterTest(comparison, out var counter, out var continueWhile))
                continue;
            if (!continuesWhenTrue)
                continueWhile = LoopBoundRule.Negate(continueWhile);
            if (Step(loop, statements, counter) is { } step && LoopBoundRule.StepReachesBound(continueWhile, step))
                return;
            counterProblem ??= LoopBoundRule.CounterNotStepped(counter.Name);
        }

        Report(DiagnosticCatalogue.UnboundedLoop, LoopLocation(loop), counterProblem ?? LoopBoundRule.NoBoundedExit);
    }

    // A goto to a label above it makes a loop without a loop statement, so it has no exit test in the rule's sense.
    // (The IL walker sees such a loop in the control-flow graph and applies the rule there.)
    private void CheckGoto(IBranchOperation jump)
    {
        var label = jump.Target.Locations.FirstOrDefault();
        if (label is not null && label.SourceTree == jump.Syntax.SyntaxTree && label.SourceSpan.Start < jump.Syntax.SpanStart)
            Report(DiagnosticCatalogue.UnboundedLoop, jump, "a goto back to '" + jump.Target.Name + "' makes a loop; write a for loop with a counter instead");
    }

    // The operands of a chain of one logical operator: a && b && c gives a, b and c.
    private static IEnumerable<IOperation> Operands(IOperation operation, BinaryOperatorKind kind)
    {
        operation = WithoutConversions(operation);
        if (operation is IBinaryOperation binary && binary.OperatorKind == kind)
            return Operands(binary.LeftOperand, kind).Concat(Operands(binary.RightOperand, kind));
        return new[] { operation };
    }

    // The top-level statements of the loop body.
    private static IReadOnlyList<IOperation> BodyStatements(ILoopOperation loop) =>
        loop.Body is IBlockOperation block ? block.Operations : new[] { loop.Body };

    private static bool IsBreak(IOperation operation, ILoopOperation loop)
    {
        if (operation is IBlockOperation { Operations.Length: 1 } block)
            operation = block.Operations[0];
        return operation is IBranchOperation { BranchKind: BranchKind.Break } branch &&
               SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel);
    }

    // A statement that may skip the rest of the body: it holds a continue of this loop.
    private static bool IsContinue(IOperation statement, ILoopOperation loop) =>
        statement.DescendantsAndSelf().Any(o => o is IBranchOperation { BranchKind: BranchKind.Continue } branch &&
                                                SymbolEqualityComparer.Default.Equals(branch.Target, loop.ContinueLabel));

    // counter OP bound or bound OP counter, with the counter moved to the left.
    private bool TryCounterTest(IOperation comparison, out ISymbol counter, out LoopBoundRule.Comparison continueWhile)
    {
        counter = null!;
        continueWhile = default;
        if (WithoutConversions(comparison) is not IBinaryOperation binary)
            return false;
        LoopBoundRule.Comparison? kind = binary.OperatorKind switch
        {
            BinaryOperatorKind.LessThan => LoopBoundRule.Comparison.Less,
            BinaryOperatorKind.LessThanOrEqual => LoopBoundRule.Comparison.LessOrEqual,
            BinaryOperatorKind.GreaterThan => LoopBoundRule.Comparison.Greater,
            BinaryOperatorKind.GreaterThanOrEqual => LoopBoundRule.Comparison.GreaterOrEqual,
            BinaryOperatorKind.NotEquals => LoopBoundRule.Comparison.NotEqual,
            BinaryOperatorKind.Equals => LoopBoundRule.Comparison.Equal,
            _ => null,
        };
        if (kind is null)
            return false;
        if (Counter(binary.LeftOperand) is { } left && IsBound(binary.RightOperand))
        {
            counter = left;
            continueWhile = kind.Value;
            return true;
        }

        if (Counter(binary.RightOperand) is { } right && IsBound(binary.LeftOperand))
        {
            counter = right;
            continueWhile = LoopBoundRule.Swap(kind.Value);
            return true;
        }

        return false;
    }

    private static ISymbol? Counter(IOperation operation)
    {
        var (symbol, type) = WithoutConversions(operation) switch
        {
            ILocalReferenceOperation { Local: { RefKind: RefKind.None } local } => ((ISymbol?)local, local.Type),
            IParameterReferenceOperation { Parameter: { RefKind: RefKind.None } parameter } => (parameter, parameter.Type),
            _ => (null, null),
        };
        return type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
            ? symbol
            : null;
    }

    // The constant step of the counter when it is the only write to the counter in the loop and runs in every
    // iteration; null otherwise.
    private static long? Step(ILoopOperation loop, IReadOnlyList<IOperation> statements, ISymbol counter)
    {
        var before = loop is IForLoopOperation forLoop
            ? new HashSet<IOperation>(forLoop.Before.SelectMany(o => o.DescendantsAndSelf()))
            : new HashSet<IOperation>();
        IOperation? write = null;
        foreach (var reference in loop.ChildOperations.SelectMany(o => o.DescendantsAndSelf()))
        {
            if (before.Contains(reference) || !IsReferenceTo(reference, counter) || !IsWrite(reference))
                continue;
            if (write is not null)
                return null;
            write = reference.Parent!;
        }

        if (write is null)
            return null;
        var statement = write.Parent is IExpressionStatementOperation expression ? expression : write;
        bool everyIteration = (loop is IForLoopOperation f && f.AtLoopBottom.Contains(statement)) ||
                              statements.TakeWhile(s => !IsContinue(s, loop)).Contains(statement);
        if (!everyIteration)
            return null;
        return write switch
        {
            IIncrementOrDecrementOperation step => step.Kind == OperationKind.Increment ? 1 : -1,
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Value.ConstantValue: { HasValue: true } c } => System.Convert.ToInt64(c.Value),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Subtract, Value.ConstantValue: { HasValue: true } c } => -System.Convert.ToInt64(c.Value),
            _ => null,
        };
    }

    private static bool IsReferenceTo(IOperation operation, ISymbol counter) => operation switch
    {
        ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, counter),
        IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, counter),
        _ => false,
    };

    // Whether the reference is assigned, stepped, or handed out by ref, out or address (where it could be assigned);
    // an in argument is read only.
    private static bool IsWrite(IOperation reference) => reference.Parent switch
    {
        IAssignmentOperation assignment => assignment.Target == reference,
        IIncrementOrDecrementOperation => true,
        IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } => true,
        IAddressOfOperation => true,
        IVariableInitializerOperation => reference.Parent.Parent is IVariableDeclaratorOperation { Symbol.RefKind: not RefKind.None },
        _ => false,
    };

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

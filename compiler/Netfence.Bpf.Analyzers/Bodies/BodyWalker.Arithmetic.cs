using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

// Arithmetic whose .NET meaning differs from the kernel's: checked overflow, floating point, division by zero.
internal sealed partial class BodyWalker
{
    private void CheckArithmetic(IOperation operation)
    {
        var isChecked = operation switch
        {
            IBinaryOperation b => b.IsChecked,
            IUnaryOperation u => u.IsChecked,
            IConversionOperation c => c.IsChecked && !c.IsImplicit,
            IIncrementOrDecrementOperation i => i.IsChecked,
            ICompoundAssignmentOperation a => a.IsChecked,
            _ => false,
        };
        if (isChecked)
            Report(DiagnosticCatalogue.CheckedArithmetic, operation, operation.Syntax.ToString());

        // Floating point is reported once per expression: at its outermost floating-point operation.
        if (IsFloatingExpression(operation) && !IsFloatingExpression(operation.Parent))
            Report(DiagnosticCatalogue.FloatingPoint, operation, operation.Syntax.ToString());

        switch (operation)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder } division
                when IsInteger(division.Type):
                CheckDivisor(division.RightOperand, division);
                break;
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder } compound
                when IsInteger(compound.Type):
                CheckDivisor(compound.Value, compound);
                break;
        }
    }

    // .NET throws on a zero divisor where the kernel yields 0, so the divisor must be provably non-zero: a non-zero
    // constant, or a local/parameter that is never reassigned and is tested non-zero by an enclosing condition.
    private void CheckDivisor(IOperation divisor, IOperation division)
    {
        if (divisor.ConstantValue.HasValue)
        {
            if (IsZero(divisor.ConstantValue.Value))
                Report(DiagnosticCatalogue.DivisionByUnprovenDivisor, divisor, divisor.Syntax.ToString());
            return;
        }

        var symbol = VariableOf(divisor);
        if (symbol is not null && !IsReassigned(division, symbol) && IsGuardedNonZero(division, symbol))
            return;
        Report(DiagnosticCatalogue.DivisionByUnprovenDivisor, divisor, divisor.Syntax.ToString());
    }

    private static bool IsGuardedNonZero(IOperation operation, ISymbol symbol)
    {
        for (IOperation? child = operation, parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            if (parent is IConditionalOperation conditional && conditional.WhenTrue == child && ImpliesNonZero(conditional.Condition, symbol))
                return true;
            if (parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } and &&
                and.RightOperand == child && ImpliesNonZero(and.LeftOperand, symbol))
                return true;
        }

        return false;
    }

    private static bool ImpliesNonZero(IOperation condition, ISymbol symbol)
    {
        if (WithoutConversions(condition) is not IBinaryOperation binary)
            return false;
        var (left, right) = (binary.LeftOperand, binary.RightOperand);
        return binary.OperatorKind switch
        {
            BinaryOperatorKind.ConditionalAnd => ImpliesNonZero(left, symbol) || ImpliesNonZero(right, symbol),
            BinaryOperatorKind.NotEquals => (Is(left, symbol) && IsZeroConstant(right)) || (Is(right, symbol) && IsZeroConstant(left)),
            BinaryOperatorKind.GreaterThan => Is(left, symbol) && IsZeroConstant(right),
            BinaryOperatorKind.LessThan => IsZeroConstant(left) && Is(right, symbol),
            _ => false,
        };
    }

    // Any write after the declaration: assignments, ++/--, and ref/out arguments other than an 'out var' declaration.
    private static bool IsReassigned(IOperation operation, ISymbol symbol)
    {
        var root = operation;
        while (root.Parent is not null)
            root = root.Parent;
        return root.Descendants().Any(o => o switch
        {
            IAssignmentOperation assignment => Is(assignment.Target, symbol),
            IIncrementOrDecrementOperation increment => Is(increment.Target, symbol),
            IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument =>
                argument.Value is not IDeclarationExpressionOperation && Is(argument.Value, symbol),
            _ => false,
        });
    }

    private static ISymbol? VariableOf(IOperation operation) => WithoutConversions(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    private static bool Is(IOperation operation, ISymbol symbol) =>
        SymbolEqualityComparer.Default.Equals(VariableOf(operation), symbol);

    private static bool IsZeroConstant(IOperation operation) =>
        operation.ConstantValue.HasValue && IsZero(operation.ConstantValue.Value);

    private static bool IsZero(object? value) => value is not null && Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture) == 0;

    private static bool IsInteger(ITypeSymbol? type) => type?.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_UInt64
        or SpecialType.System_IntPtr or SpecialType.System_UIntPtr;

    private static bool IsFloating(ITypeSymbol? type) =>
        type?.SpecialType is SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal;

    private static bool IsFloatingExpression(IOperation? operation) =>
        operation is not null && (IsFloating(operation.Type) || (operation is IConversionOperation c && IsFloating(c.Operand.Type)));
}

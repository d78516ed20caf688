using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

// Arithmetic whose .NET meaning differs from the kernel's: checked overflow, floating point, division (BodyWalker.Division.cs).
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
                CheckDivision(division, division.LeftOperand, division.RightOperand, Promoted(division.Type));
                break;
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder } compound
                when IsInteger(compound.Type):
                CheckDivision(compound, compound.Target, compound.Value, Promoted(compound.Target.Type, compound.Value.Type));
                break;
        }
    }

    private static bool IsInteger(ITypeSymbol? type) => type?.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_UInt64
        or SpecialType.System_IntPtr or SpecialType.System_UIntPtr;

    private static bool IsFloating(ITypeSymbol? type) =>
        type?.SpecialType is SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal;

    private static bool IsFloatingExpression(IOperation? operation) =>
        operation is not null && (IsFloating(operation.Type) || (operation is IConversionOperation c && IsFloating(c.Operand.Type)));
}

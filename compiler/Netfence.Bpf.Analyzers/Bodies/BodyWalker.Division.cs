using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

// Integer division, the rules the IL walker's ProveDivisors pass applies too. .NET throws on a zero divisor where the
// kernel yields 0 (NF0017), and on MinValue / -1 where the kernel wraps (NF0035). A value is proven unequal to 0 or
// -1 by a constant, or by a test of a local or parameter that is never reassigned: a comparison with a constant that
// rules the value out, in the condition of an enclosing if or ?: (either branch), on the left of an enclosing &&,
// or in an earlier `if (...) return/break/continue/throw;` of an enclosing block.
internal sealed partial class BodyWalker
{
    /// <summary>The integer type a division computes in: its width in bits and whether it is signed.</summary>
    private readonly struct Arithmetic
    {
        public Arithmetic(int bits, bool signed)
        {
            Bits = bits;
            Signed = signed;
        }

        public int Bits { get; }

        public bool Signed { get; }
    }

    private void CheckDivision(IOperation division, IOperation dividend, IOperation divisor, Arithmetic arithmetic)
    {
        if (!Excludes(divisor, division, 0))
        {
            Report(DiagnosticCatalogue.DivisionByUnprovenDivisor, divisor, divisor.Syntax.ToString());
            return;
        }
        // sbyte, byte, short and ushort operands are promoted to int, and int or uint ones to long in a long
        // division: a value from a narrower type is never MinValue, so only a full-width dividend can overflow.
        if (arithmetic.Signed && !Excludes(divisor, division, -1) && !CannotBeMinValue(dividend, arithmetic.Bits))
            Report(DiagnosticCatalogue.SignedDivisionOverflow, divisor, divisor.Syntax.ToString());
    }

    private static Arithmetic Promoted(ITypeSymbol? type) => new Arithmetic(Bits(type), IsSigned(type));

    // C#'s binary numeric promotion for the built-in operators: long if either operand is 64-bit (ulong if unsigned),
    // long for uint with a signed operand, uint for two unsigned ints, int otherwise.
    private static Arithmetic Promoted(ITypeSymbol? left, ITypeSymbol? right)
    {
        if (Bits(left) == 64 || Bits(right) == 64)
            return new Arithmetic(64, !(left?.SpecialType is SpecialType.System_UInt64 or SpecialType.System_UIntPtr ||
                                        right?.SpecialType is SpecialType.System_UInt64 or SpecialType.System_UIntPtr));
        bool leftUInt = left?.SpecialType == SpecialType.System_UInt32, rightUInt = right?.SpecialType == SpecialType.System_UInt32;
        if (leftUInt || rightUInt)
            return (leftUInt ? IsSigned(right) : IsSigned(left)) ? new Arithmetic(64, true) : new Arithmetic(32, false);
        return new Arithmetic(32, true);
    }

    private static int Bits(ITypeSymbol? type) => type?.SpecialType switch
    {
        SpecialType.System_SByte or SpecialType.System_Byte => 8,
        SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Char => 16,
        SpecialType.System_Int32 or SpecialType.System_UInt32 => 32,
        _ => 64,
    };

    private static bool IsSigned(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_SByte or SpecialType.System_Int16
        or SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_IntPtr;

    // A constant other than MinValue, or a value that passed through a type narrower than the division: whatever
    // conversions follow, its bit pattern is a sign or zero extension of fewer bits, which MinValue is not.
    private static bool CannotBeMinValue(IOperation dividend, int bits)
    {
        if (dividend.ConstantValue.HasValue)
            return ToDecimal(dividend.ConstantValue.Value) != (bits == 32 ? int.MinValue : long.MinValue);
        for (IOperation? value = dividend; value is not null; value = (value as IConversionOperation)?.Operand)
        {
            if (IsInteger(value.Type) && Bits(value.Type) < bits)
                return true;
        }
        return false;
    }

    /// <summary>Whether <paramref name="value"/>, where <paramref name="division"/> reads it, is provably not <paramref name="excluded"/>.</summary>
    private static bool Excludes(IOperation value, IOperation division, decimal excluded)
    {
        if (value.ConstantValue.HasValue)
            return value.ConstantValue.Value is not null && ToDecimal(value.ConstantValue.Value) != excluded;
        var symbol = VariableOf(value);
        return symbol is not null && !IsReassigned(division, symbol) && IsGuarded(division, symbol, excluded);
    }

    private static bool IsGuarded(IOperation operation, ISymbol symbol, decimal excluded)
    {
        bool labels = RootOf(operation).Descendants().Any(o => o is ILabeledOperation);
        for (IOperation? child = operation, parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when conditional.WhenTrue == child && Implies(conditional.Condition, true, symbol, excluded):
                case IConditionalOperation conditional2 when conditional2.WhenFalse == child && Implies(conditional2.Condition, false, symbol, excluded):
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction when conjunction.RightOperand == child && Implies(conjunction.LeftOperand, true, symbol, excluded):
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } disjunction when disjunction.RightOperand == child && Implies(disjunction.LeftOperand, false, symbol, excluded):
                    return true;
                // A label could bring control past the early exit, so that form is only trusted without labels.
                case IBlockOperation block when !labels && ExitsEarlier(block, child, symbol, excluded):
                    return true;
            }
        }
        return false;
    }

    // An `if (condition) exit;` before the statement: the rest of the block runs only when the condition is false.
    private static bool ExitsEarlier(IBlockOperation block, IOperation statement, ISymbol symbol, decimal excluded)
    {
        foreach (var earlier in block.Operations)
        {
            if (earlier == statement)
                return false;
            if (earlier is IConditionalOperation { WhenFalse: null } test && AlwaysExits(test.WhenTrue) && Implies(test.Condition, false, symbol, excluded))
                return true;
        }
        return false;
    }

    private static bool AlwaysExits(IOperation statement) => statement switch
    {
        IReturnOperation or IBranchOperation or IThrowOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IBlockOperation block => block.Operations.Length > 0 && AlwaysExits(block.Operations[block.Operations.Length - 1]),
        _ => false,
    };

    /// <summary>Whether <paramref name="condition"/> having the value <paramref name="holds"/> rules out that the variable is <paramref name="excluded"/>.</summary>
    private static bool Implies(IOperation condition, bool holds, ISymbol symbol, decimal excluded)
    {
        condition = WithoutConversions(condition);
        if (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            return Implies(not.Operand, !holds, symbol, excluded);
        if (condition is not IBinaryOperation binary)
            return false;
        var (left, right) = (binary.LeftOperand, binary.RightOperand);
        switch (binary.OperatorKind)
        {
            case BinaryOperatorKind.ConditionalAnd when holds:
            case BinaryOperatorKind.ConditionalOr when !holds:
                return Implies(left, holds, symbol, excluded) || Implies(right, holds, symbol, excluded);
        }
        var kind = binary.OperatorKind;
        decimal constant;
        if (Is(left, symbol) && right.ConstantValue.HasValue && right.ConstantValue.Value is not null)
        {
            constant = ToDecimal(right.ConstantValue.Value);
        }
        else if (Is(right, symbol) && left.ConstantValue.HasValue && left.ConstantValue.Value is not null)
        {
            constant = ToDecimal(left.ConstantValue.Value);
            kind = Swapped(kind);
        }
        else
        {
            return false;
        }
        bool excludedSatisfies = kind switch
        {
            BinaryOperatorKind.Equals => excluded == constant,
            BinaryOperatorKind.NotEquals => excluded != constant,
            BinaryOperatorKind.LessThan => excluded < constant,
            BinaryOperatorKind.LessThanOrEqual => excluded <= constant,
            BinaryOperatorKind.GreaterThan => excluded > constant,
            BinaryOperatorKind.GreaterThanOrEqual => excluded >= constant,
            _ => true,
        };
        return excludedSatisfies != holds;
    }

    private static BinaryOperatorKind Swapped(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
        BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
        BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
        BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
        _ => kind,
    };

    // Any write after the declaration: assignments, ++/--, and ref/out arguments other than an 'out var' declaration.
    private static bool IsReassigned(IOperation operation, ISymbol symbol) =>
        RootOf(operation).Descendants().Any(o => o switch
        {
            IAssignmentOperation assignment => Is(assignment.Target, symbol),
            IIncrementOrDecrementOperation increment => Is(increment.Target, symbol),
            IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument =>
                argument.Value is not IDeclarationExpressionOperation && Is(argument.Value, symbol),
            _ => false,
        });

    private static IOperation RootOf(IOperation operation)
    {
        while (operation.Parent is not null)
            operation = operation.Parent;
        return operation;
    }

    // Only through implicit conversions, which keep an integer's value: an explicit one may wrap (uint)-1 or
    // truncate (byte)256, so a test of the variable says nothing about the converted value.
    private static ISymbol? VariableOf(IOperation operation) => WithoutImplicitConversions(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    private static IOperation WithoutImplicitConversions(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
            operation = conversion.Operand;
        return operation;
    }

    private static bool Is(IOperation operation, ISymbol symbol) =>
        SymbolEqualityComparer.Default.Equals(VariableOf(operation), symbol);

    private static decimal ToDecimal(object value) => System.Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture);
}

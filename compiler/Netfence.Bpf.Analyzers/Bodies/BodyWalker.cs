using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

/// <summary>
/// Checks one member body of a BPF code type (a method, accessor, constructor or field initializer) operation by
/// operation. The rules are split by concern into partial files, like the compiler's IL stages.
/// </summary>
internal sealed partial class BodyWalker(SdkSymbols sdk, CallGraph graph, OperationBlockAnalysisContext context)
{
    public void Run()
    {
        foreach (var block in context.OperationBlocks)
        {
            // Attribute arguments and parameter defaults are metadata constants, not code the program runs.
            if (block.Kind is OperationKind.Attribute or OperationKind.ParameterInitializer)
                continue;
            if (block is IFieldInitializerOperation fieldInitializer)
            {
                if (!CheckFieldInitializer(fieldInitializer))
                    continue;
            }

            CheckUnsafeSyntax(block.Syntax);
            foreach (var operation in block.DescendantsAndSelf())
                Check(operation);
        }
    }

    private void Check(IOperation operation)
    {
        switch (operation)
        {
            case IObjectCreationOperation creation:
                CheckObjectCreation(creation);
                break;
            case IAnonymousObjectCreationOperation:
                Report(DiagnosticCatalogue.ReferenceTypeAllocation, operation, "anonymous type");
                break;
            case IArrayCreationOperation:
                Report(DiagnosticCatalogue.ArrayAllocation, operation, operation.Syntax.ToString());
                break;
            case IAnonymousFunctionOperation when !operation.IsImplicit:
                Report(DiagnosticCatalogue.LambdaOrDelegate, operation, "lambda or anonymous method");
                break;
            case IDelegateCreationOperation { Target: IMethodReferenceOperation reference }:
                Report(DiagnosticCatalogue.LambdaOrDelegate, operation, "method group " + reference.Method.Name);
                break;
            case ITranslatedQueryOperation:
                Report(DiagnosticCatalogue.Linq, operation, "query expression");
                break;
            case IInvocationOperation invocation:
                CheckInvocation(invocation);
                break;
            case IPropertyReferenceOperation property:
                CheckMember(property.Property, property, property.Property.GetMethod ?? property.Property.SetMethod);
                break;
            case IFieldReferenceOperation field:
                CheckFieldReference(field);
                break;
            case IThrowOperation:
                Report(DiagnosticCatalogue.Throw, operation);
                break;
            case ITryOperation @try:
                Report(DiagnosticCatalogue.ExceptionHandling, operation, @try.Finally is null ? "try/catch" : "try/finally");
                break;
            case IUsingOperation or IUsingDeclarationOperation:
                Report(DiagnosticCatalogue.ExceptionHandling, operation, "using (it disposes in a finally block)");
                break;
            case ILockOperation:
                Report(DiagnosticCatalogue.Lock, operation);
                break;
            case IAwaitOperation:
                Report(DiagnosticCatalogue.AsyncAwait, operation, "await");
                break;
            case IReturnOperation { Kind: OperationKind.YieldReturn }:
                Report(DiagnosticCatalogue.Yield, operation, "yield return");
                break;
            case IReturnOperation { Kind: OperationKind.YieldBreak }:
                Report(DiagnosticCatalogue.Yield, operation, "yield break");
                break;
            case IVariableDeclaratorOperation declarator:
                CheckLocal(declarator);
                break;
            case IForEachLoopOperation loop:
                CheckForEach(loop);
                break;
            case IWhileLoopOperation or IForLoopOperation:
                CheckLoop((ILoopOperation)operation);
                break;
            case IConditionalOperation { IsRef: true }:
            case ISimpleAssignmentOperation { IsRef: true }:
                Report(DiagnosticCatalogue.UnsupportedConstruct, operation, UnsupportedConstructs.RuntimeReference);
                break;
            case IReturnOperation { Kind: OperationKind.Return, ReturnedValue: not null } @return when IsSecondRefReturn(@return):
                Report(DiagnosticCatalogue.UnsupportedConstruct, operation, UnsupportedConstructs.RuntimeReference);
                break;
            case IBranchOperation { BranchKind: BranchKind.GoTo } jump:
                CheckGoto(jump);
                break;
            case ITypeOfOperation:
                Report(DiagnosticCatalogue.UnsupportedConstruct, operation, "typeof (runtime type objects)");
                break;
            case ITupleOperation when operation.Parent is not ITupleOperation:
                Report(DiagnosticCatalogue.UnsupportedConstruct, operation, "tuples (System.ValueTuple is library code)");
                break;
            case IRangeOperation:
                Report(DiagnosticCatalogue.UnsupportedConstruct, operation, "ranges (System.Range is library code)");
                break;
            case IEventReferenceOperation or IEventAssignmentOperation:
                Report(DiagnosticCatalogue.UnsupportedConstruct, operation, "events (they hold delegates)");
                break;
        }

        CheckConversion(operation);
        CheckStrings(operation);
        CheckArithmetic(operation);
        CheckDynamic(operation);
    }

    // A ref-returning method with more than one return may return different targets depending on the path; the
    // first return is fine, every later one is reported.
    private bool IsSecondRefReturn(IReturnOperation @return)
    {
        if (Caller(@return) is not { ReturnsByRef: true } && !(Caller(@return) is { ReturnsByRefReadonly: true }))
            return false;
        var root = @return;
        IOperation top = @return;
        while (top.Parent is not null && top.Parent is not ILocalFunctionOperation and not IAnonymousFunctionOperation)
            top = top.Parent;
        var first = top.DescendantsAndSelf().OfType<IReturnOperation>()
            .Where(r => r.Kind == OperationKind.Return && SymbolEqualityComparer.Default.Equals(Caller(r), Caller(root)))
            .OrderBy(r => r.Syntax.SpanStart).FirstOrDefault();
        return first is not null && first != @return;
    }

    private void Report(DiagnosticEntry entry, IOperation operation, params object[] arguments) =>
        Report(entry, operation.Syntax.GetLocation(), arguments);

    private void Report(DiagnosticEntry entry, Location location, params object[] arguments) =>
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.For(entry), location, arguments));

    // The method a call is made from: the enclosing local function if there is one, so its recursion is seen.
    private IMethodSymbol? Caller(IOperation operation)
    {
        for (var o = operation.Parent; o is not null; o = o.Parent)
        {
            if (o is ILocalFunctionOperation local)
                return local.Symbol;
        }

        return context.OwningSymbol as IMethodSymbol;
    }

    private static IOperation WithoutConversions(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
            operation = conversion.Operand;
        return operation;
    }
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

// Heap use: objects, boxing, strings, reference-typed locals, and the initializers of map and configuration fields.
internal sealed partial class BodyWalker
{
    private void CheckObjectCreation(IObjectCreationOperation creation)
    {
        if (creation.Type is { IsReferenceType: true } type)
        {
            Report(DiagnosticCatalogue.ReferenceTypeAllocation, creation, type.ToDisplayString());
            return;
        }

        // A struct created with an explicit constructor calls that constructor like any other method.
        if (creation.Constructor is { IsImplicitlyDeclared: false } constructor)
            CheckMember(constructor, creation, constructor);
    }

    private void CheckConversion(IOperation operation)
    {
        if (operation is IConversionOperation conversion && conversion.GetConversion().IsBoxing)
            Report(DiagnosticCatalogue.Boxing, operation, conversion.Operand.Type?.ToDisplayString() ?? "value",
                conversion.Type?.ToDisplayString() ?? "object");
    }

    private void CheckStrings(IOperation operation)
    {
        if (operation.Type?.SpecialType != SpecialType.System_String)
            return;
        var construct = operation switch
        {
            ILiteralOperation => "string literal",
            IInterpolatedStringOperation => "string interpolation",
            IBinaryOperation => "string concatenation",
            _ => null,
        };
        if (construct is null)
            return;

        // One report per string expression: its literal parts are not reported again.
        for (var o = operation.Parent; o is not null; o = o.Parent)
        {
            if (o is IInterpolatedStringOperation or IBinaryOperation { Type.SpecialType: SpecialType.System_String })
                return;
        }

        Report(DiagnosticCatalogue.StringUse, operation, construct);
    }

    private void CheckLocal(IVariableDeclaratorOperation declarator)
    {
        if (declarator.Symbol.Type.IsReferenceType)
            Report(DiagnosticCatalogue.ReferenceTypeVariable, declarator.Symbol.Locations.FirstOrDefault() ?? declarator.Syntax.GetLocation(),
                declarator.Symbol.Name, declarator.Symbol.Type.ToDisplayString());
    }

    // Returns whether the initializer's operations should still be walked: a map definition is metadata for the
    // compiler (its "new" is not an allocation in BPF code), so only its constant-ness is checked.
    private bool CheckFieldInitializer(IFieldInitializerOperation initializer)
    {
        var field = initializer.InitializedFields.FirstOrDefault();
        if (field is null || field.IsConst)
            return false;

        if (sdk.IsMapType(field.Type))
        {
            var problem = WithoutConversions(initializer.Value) switch
            {
                IObjectCreationOperation { Initializer: not null } => "has an object initializer",
                IObjectCreationOperation creation => creation.Arguments
                    .Where(a => !a.Value.ConstantValue.HasValue)
                    .Select(a => $"is initialised with the non-constant argument '{a.Value.Syntax}'")
                    .FirstOrDefault(),
                _ => "is not initialised with new(...)",
            };
            if (problem is not null)
                Report(DiagnosticCatalogue.MapFieldDeclaration, initializer.Value, field.Name, problem);
            return false;
        }

        if (field.IsStatic && field.IsReadOnly && !initializer.Value.ConstantValue.HasValue)
            Report(DiagnosticCatalogue.ConfigFieldInitializer, initializer.Value, field.Name);
        return true;
    }
}

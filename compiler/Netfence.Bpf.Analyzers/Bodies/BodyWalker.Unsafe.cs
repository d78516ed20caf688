using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers;

// Unsafe code is found in syntax: pointer operations have no dedicated IOperation kinds.
internal sealed partial class BodyWalker
{
    private void CheckUnsafeSyntax(SyntaxNode root)
    {
        foreach (var node in root.DescendantNodesAndSelf())
        {
            var construct = node switch
            {
                UnsafeStatementSyntax => "unsafe block",
                FixedStatementSyntax => "fixed",
                StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax => "stackalloc",
                PointerTypeSyntax => "pointer type " + node,
                FunctionPointerTypeSyntax => "function pointer",
                PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.AddressOfExpression) => "address-of (&)",
                PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PointerIndirectionExpression) => "pointer indirection (*)",
                MemberAccessExpressionSyntax m when m.IsKind(SyntaxKind.PointerMemberAccessExpression) => "pointer member access (->)",
                _ => null,
            };
            if (construct is not null)
                Report(DiagnosticCatalogue.UnsafeCode, node.GetLocation(), construct);
        }
    }
}

using Mono.Cecil;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Frontend;

// Global functions: the call of one from BPF code, and the entry of a global function's own body.
internal sealed partial class IRBuilder
{
    StackValue CallGlobal(MethodDefinition method, StackValue[] args)
    {
        var declaration = GlobalFunctions.Declare(method, what => Unsupported(what));
        CalledFunctions[method] = declaration;
        var arguments = new List<MapHelperArgument>();
        for (int k = 0; k < declaration.Parameters.Count; k++)
        {
            var parameter = declaration.Parameters[k];
            arguments.Add((parameter.ByReference, args[k]) switch
            {
                (true, AddressValue a) => MapHelperArgument.Pointer(a.Address),
                (true, PointerReference { Offset: 0 } r) => MapHelperArgument.Scalar(Operand.Of(r.Pointer)),
                (false, ScalarValue s) => MapHelperArgument.Scalar(Widen(s, parameter.Size == 8 ? Width.W64 : Width.W32).Operand),
                var (_, other) => throw Unsupported($"passing {Describe(other)} as '{parameter.Name}' of the global function '{method.Name}'"),
            });
        }
        var dst = Temp(Width.W32);
        Emit(new FunctionCallInstruction(_position, declaration.Name, dst, arguments));
        return new ScalarValue(Operand.Of(dst), Width.W32);
    }

    /// <summary>
    /// Defines a global function's parameters from r1–r5. The verifier knows a by-ref parameter only as memory of its
    /// struct's size that may be null (it checks the function once, for every caller), so the entry returns 0 for a
    /// null pointer before the body runs; C# references are never null, so no caller sees that path.
    /// </summary>
    StackValue[] BindGlobalParameters(GlobalFunctionDeclaration declaration)
    {
        var values = new StackValue[declaration.Parameters.Count];
        for (int k = 0; k < values.Length; k++)
        {
            var p = declaration.Parameters[k];
            if (!p.ByReference)
            {
                var width = p.Size == 8 ? Width.W64 : Width.W32;
                values[k] = new ScalarValue(Operand.Of(_function.DefineParameter(width, p.Name)), width);
                continue;
            }
            var pointer = _function.DefineParameter(Width.W64, p.Name);
            var isNull = _function.NewBlock($"{p.Name}:null");
            var next = _function.NewBlock($"{p.Name}:checked");
            Terminate(new BranchTerminator(_position, Condition.Equal, Width.W64, Operand.Of(pointer), Operand.Of(0), isNull, next));
            isNull.Terminator = new ReturnTerminator(_position, Operand.Of(0));
            _current = next;
            values[k] = new PointerReference(pointer, 0, p.Type);
        }
        return values;
    }
}

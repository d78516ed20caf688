using Mono.Cecil;
using Mono.Cecil.Cil;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Frontend;

// ldarg/ldarga/starg, ldloc/ldloca/stloc, dup, pop: where variables live and how values move between them.
internal sealed partial class IRBuilder
{
    static HashSet<int> AddressTakenArguments(MethodDefinition method) =>
        method.Body.Instructions.Where(i => i.OpCode.Code is Code.Ldarga or Code.Ldarga_S)
            .Select(i => ((ParameterDefinition)i.Operand).Sequence).ToHashSet();

    static HashSet<int> AddressTakenLocals(MethodDefinition method) =>
        method.Body.Instructions.Where(i => i.OpCode.Code is Code.Ldloca or Code.Ldloca_S)
            .Select(i => ((VariableDefinition)i.Operand).Index).ToHashSet();

    void BindArguments(MethodFrame frame, IReadOnlyList<StackValue> arguments)
    {
        var method = frame.Method;
        var addressTaken = AddressTakenArguments(method);
        var types = new List<TypeReference>();
        if (method.HasThis) types.Add(new ByReferenceType(method.DeclaringType));
        types.AddRange(method.Parameters.Select(p => p.ParameterType));
        var result = new Variable[types.Count];
        for (int k = 0; k < types.Count; k++)
        {
            var type = types[k];
            var value = arguments[k];
            string name = method.HasThis && k == 0 ? "this" : method.Parameters[k - (method.HasThis ? 1 : 0)].Name;
            result[k] = NewVariable(type, name, addressTaken.Contains(k), $"parameter '{name}' of {method.Name}");
            if (!frame.IsRoot && value is ScalarValue scalar)
            {
                // A scalar argument is a run-time value: it becomes a parameter of the callee, set by the call.
                var parameter = result[k] is RegisterVariable r ? r.Register : _function.NewRegister(WidthOf(type), name);
                frame.Function.Parameters.Add(parameter);
                frame.ScalarArguments.Add((scalar, parameter));
                if (result[k] is not RegisterVariable) Store(result[k], new ScalarValue(Operand.Of(parameter), parameter.Width), null);
                continue;
            }
            Store(result[k], value, null);
        }
        frame.Arguments = result;
    }

    void DeclareLocals(MethodFrame frame)
    {
        var method = frame.Method;
        var addressTaken = AddressTakenLocals(method);
        var result = new Variable[method.Body.Variables.Count];
        foreach (var v in method.Body.Variables)
        {
            if (v.IsPinned) throw Abort(DiagnosticCatalogue.UnsafeCode, "fixed");
            var variable = result[v.Index] = NewVariable(v.VariableType, $"loc{v.Index}", addressTaken.Contains(v.Index), $"local {v.Index} of {method.Name}");
            // C# zero-initialises locals; the verifier also refuses reads of never-written registers and stack.
            switch (variable)
            {
                case RegisterVariable r:
                    Emit(new MoveInstruction(_position, r.Register, Operand.Of(0)));
                    break;
                case MemoryVariable m:
                    Emit(new StackZeroInstruction(_position, m.Address, m.Address.Slot.Size));
                    break;
            }
        }
        frame.Locals = result;
    }

    Variable NewVariable(TypeReference type, string name, bool addressTaken, string what)
    {
        if (TypeLayout.IsFloatingPoint(type)) throw Abort(DiagnosticCatalogue.FloatingPoint, type.Name);
        if (type is PointerType or FunctionPointerType) throw Abort(DiagnosticCatalogue.UnsafeCode, type.Name);
        if (type is RequiredModifierType or OptionalModifierType) type = ((TypeSpecification)type).ElementType;
        if (SdkMetadata.MapType(type) is not null) return new BoundVariable(type);
        switch (TypeLayout.Classify(type))
        {
            case TypeKind.Scalar:
                if (!addressTaken) return new RegisterVariable(type, _function.NewRegister(WidthOf(type), name));
                return new MemoryVariable(type, new StackAddress(_function.NewSlot(TypeLayout.ScalarSize(type)!.Value, name), 0));
            case TypeKind.Struct:
                return new MemoryVariable(type, new StackAddress(_function.NewSlot(SizeOfStruct(type), name), 0));
            case TypeKind.Context:
            case TypeKind.ByReference:
                return new BoundVariable(type);
            default:
                if (type.FullName == "System.String") throw Abort(DiagnosticCatalogue.StringUse, what);
                if (type is ArrayType) throw Abort(DiagnosticCatalogue.ArrayAllocation, type.Name);
                throw Abort(DiagnosticCatalogue.ReferenceTypeVariable, $"{what} has type '{type.Name}'");
        }
    }

    int SizeOfStruct(TypeReference type)
    {
        try
        {
            return TypeLayout.SizeOf(type);
        }
        catch (LayoutException e)
        {
            throw Unsupported(e.Message);
        }
    }

    StackValue Load(Variable variable) => variable switch
    {
        RegisterVariable r => new ScalarValue(Operand.Of(r.Register), r.Register.Width),
        MemoryVariable { Type: var t } m when TypeLayout.Classify(t) == TypeKind.Scalar => LoadScalar(m.Address, t),
        MemoryVariable m => new StructValue(m.Address, m.Type),
        BoundVariable { Value: { } v } => v,
        _ => throw Unsupported("a reference variable read before it was assigned"),
    };

    ScalarValue LoadScalar(StackAddress address, TypeReference type)
    {
        var width = WidthOf(type);
        var dst = Temp(width);
        Emit(new StackLoadInstruction(_position, dst, address, TypeLayout.ScalarSize(type)!.Value, TypeLayout.IsSignedSmall(type)));
        return new ScalarValue(Operand.Of(dst), width);
    }

    /// <summary>Stores a value into a variable; <paramref name="stack"/> values that alias the old contents are copied first.</summary>
    void Store(Variable variable, StackValue value, Stack<StackValue>? stack)
    {
        switch (variable, value)
        {
            case (RegisterVariable r, ScalarValue s):
                if (stack is not null) Protect(stack, r.Register);
                Emit(new MoveInstruction(_position, r.Register, Widen(s, r.Register.Width).Operand));
                break;
            case (MemoryVariable m, _):
                if (stack is not null) Protect(stack, m.Address.Slot);
                StoreAt(m.Address, m.Type, value);
                break;
            case (BoundVariable b, ContextValue or AddressValue or MapValue or PointerReference):
                if (b.Value is not null && !SameTarget(b.Value, value)) throw Unsupported(UnsupportedConstructs.RuntimeReference);
                b.Value = value;
                break;
            case (BoundVariable, StructValue s) when TypeLayout.Classify(variable.Type) == TypeKind.Context:
                throw Unsupported($"a context copied from '{s.Type.Name}'");
            default:
                throw Unsupported($"storing {Describe(value)} into a variable of type '{variable.Type.Name}'");
        }
    }

    static bool SameTarget(StackValue a, StackValue b) => (a, b) switch
    {
        (AddressValue x, AddressValue y) => x.Address == y.Address,
        (MapValue x, MapValue y) => x.Map == y.Map,
        (PointerReference x, PointerReference y) => x.Pointer == y.Pointer && x.Offset == y.Offset,
        _ => a == b,
    };

    static string Describe(StackValue value) => value switch
    {
        ScalarValue => "a number",
        ContextValue => "the context",
        AddressValue => "a reference",
        StructValue s => $"a '{s.Type.Name}' value",
        MapValue => "a map",
        PointerReference => "a map value reference",
        _ => "a value",
    };

    /// <summary>Stores a scalar or copies a struct to a frame address.</summary>
    void StoreAt(StackAddress address, TypeReference type, StackValue value)
    {
        switch (value)
        {
            case ScalarValue s when TypeLayout.ScalarSize(type) is { } size:
                Emit(new StackStoreInstruction(_position, address, size, s.Operand));
                break;
            case StructValue s:
                if (s.Address != address) Emit(new StackCopyInstruction(_position, address, s.Address, SizeOfStruct(type)));
                break;
            default:
                throw Unsupported($"storing {Describe(value)} as a '{type.Name}'");
        }
    }

    /// <summary>
    /// Before a register is overwritten, stack entries still reading it (i++ leaves the old value on the stack) get a
    /// copy, so they keep the value they had when pushed.
    /// </summary>
    void Protect(Stack<StackValue> stack, VirtualRegister register)
    {
        if (!stack.Any(v => v is ScalarValue { Operand.Register: { } r } && r == register)) return;
        var copy = Temp(register.Width);
        Emit(new MoveInstruction(_position, copy, Operand.Of(register)));
        Replace(stack, v => v is ScalarValue { Operand.Register: { } r } s && r == register ? s with { Operand = Operand.Of(copy) } : v);
    }

    /// <summary>The same for struct values that still live in a slot about to be written.</summary>
    void Protect(Stack<StackValue> stack, StackSlot slot)
    {
        if (!stack.Any(v => v is StructValue s && s.Address.Slot == slot)) return;
        Replace(stack, v =>
        {
            if (v is not StructValue s || s.Address.Slot != slot) return v;
            var size = SizeOfStruct(s.Type);
            var copy = new StackAddress(_function.NewSlot(size, "copy"), 0);
            Emit(new StackCopyInstruction(_position, copy, s.Address, size));
            return new StructValue(copy, s.Type);
        });
    }

    static void Replace(Stack<StackValue> stack, Func<StackValue, StackValue> map)
    {
        var values = stack.Reverse().Select(map).ToList();
        stack.Clear();
        foreach (var v in values) stack.Push(v);
    }

    bool TryVariables(Instruction i, Stack<StackValue> stack)
    {
        switch (i.OpCode.Code)
        {
            case Code.Ldarg_0 or Code.Ldarg_1 or Code.Ldarg_2 or Code.Ldarg_3:
                stack.Push(Load(_frame.Arguments[i.OpCode.Code - Code.Ldarg_0]));
                return true;
            case Code.Ldarg or Code.Ldarg_S:
                stack.Push(Load(_frame.Arguments[((ParameterDefinition)i.Operand).Sequence]));
                return true;
            case Code.Ldarga or Code.Ldarga_S:
                stack.Push(AddressOf(_frame.Arguments[((ParameterDefinition)i.Operand).Sequence]));
                return true;
            case Code.Starg or Code.Starg_S:
                Store(_frame.Arguments[((ParameterDefinition)i.Operand).Sequence], stack.Pop(), stack);
                return true;
            case Code.Ldloc_0 or Code.Ldloc_1 or Code.Ldloc_2 or Code.Ldloc_3:
                stack.Push(Load(_frame.Locals[i.OpCode.Code - Code.Ldloc_0]));
                return true;
            case Code.Ldloc or Code.Ldloc_S:
                stack.Push(Load(_frame.Locals[((VariableDefinition)i.Operand).Index]));
                return true;
            case Code.Ldloca or Code.Ldloca_S:
                stack.Push(AddressOf(_frame.Locals[((VariableDefinition)i.Operand).Index]));
                return true;
            case Code.Stloc_0 or Code.Stloc_1 or Code.Stloc_2 or Code.Stloc_3:
                Store(_frame.Locals[i.OpCode.Code - Code.Stloc_0], stack.Pop(), stack);
                return true;
            case Code.Stloc or Code.Stloc_S:
                Store(_frame.Locals[((VariableDefinition)i.Operand).Index], stack.Pop(), stack);
                return true;
            case Code.Dup:
                stack.Push(stack.Peek());
                return true;
            case Code.Pop:
                switch (stack.Pop())
                {
                    case ScalarValue { Operand.Register: { } r } when _lookupResults.TryGetValue(r, out var lookup):
                        throw Abort(DiagnosticCatalogue.UncheckedMapLookup, lookup);
                    case PointerReference { Pointer: var p } when _uncheckedReferences.TryGetValue(p, out var lookup):
                        throw Abort(DiagnosticCatalogue.UncheckedMapLookup, lookup);
                }
                return true;
            case Code.Nop:
                return true;
            default:
                return false;
        }
    }

    StackValue AddressOf(Variable variable) => variable switch
    {
        MemoryVariable m => new AddressValue(m.Address, m.Type),
        BoundVariable { Value: ContextValue } => ContextValue.Instance,
        _ => throw Unsupported("the address of a reference or map variable"),
    };
}

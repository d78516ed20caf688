using Mono.Cecil;
using Mono.Cecil.Cil;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Frontend;

// call, callvirt and newobj: SDK members become intrinsics, user methods of BPF code types become calls of their own
// functions (inlined by the inlining pass) or, for [GlobalFunction]s, BPF-to-BPF calls; everything else is outside
// the subset.
internal sealed partial class IRBuilder
{
    const string SdkNamespace = "Netfence.Bpf.Sdk";

    bool TryCall(Instruction i, Stack<StackValue> stack)
    {
        switch (i.OpCode.Code)
        {
            case Code.Constrained or Code.Readonly or Code.Volatile or Code.Unaligned or Code.Tail or Code.No:
                // Prefixes: constrained. only matters for virtual calls, which are rejected at the call itself.
                return true;
            case Code.Call or Code.Callvirt:
                Call(i, (MethodReference)i.Operand, stack);
                return true;
            case Code.Newobj:
                NewObject((MethodReference)i.Operand, stack);
                return true;
            default:
                return false;
        }
    }

    StackValue[] PopArguments(MethodReference reference, Stack<StackValue> stack)
    {
        var count = reference.Parameters.Count + (reference.HasThis ? 1 : 0);
        var args = new StackValue[count];
        for (int k = count - 1; k >= 0; k--) args[k] = stack.Pop();
        return args;
    }

    static bool IsSdk(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type.Namespace == SdkNamespace;
    }

    void Call(Instruction i, MethodReference reference, Stack<StackValue> stack)
    {
        // LINQ is a call outside the SDK too, but the analyzer names it as LINQ, and so does the IL walker.
        if (reference.DeclaringType.Namespace.StartsWith("System.Linq", StringComparison.Ordinal))
            throw Abort(DiagnosticCatalogue.Linq, reference.Name);
        var method = SdkMetadata.Resolve(reference) ?? throw Abort(DiagnosticCatalogue.CallOutsideSdk, reference.FullName);
        var name = $"{method.DeclaringType.Name}.{method.Name}";
        if (SdkMetadata.IsManagedOnly(method)) throw Abort(DiagnosticCatalogue.ManagedOnlySdkMember, name);
        if (i.OpCode.Code == Code.Callvirt && method.IsVirtual && !method.IsFinal) throw Abort(DiagnosticCatalogue.VirtualCall, name);
        var args = PopArguments(reference, stack);
        // Passing a map value reference on is a use of it, except to the test that makes it usable.
        if (SdkMetadata.Find(method, SdkMetadata.NullReferenceTestAttribute) is null)
            foreach (var a in args) Checked(a);
        StackValue? result;
        if (IsSdk(method.DeclaringType))
        {
            result = Intrinsic(reference, method, args);
        }
        else if (method.Module == _root.Module)
        {
            if (method.IsVirtual || method.IsAbstract) throw Abort(DiagnosticCatalogue.VirtualCall, name);
            if (!_discovery.CodeTypes.Contains(method.DeclaringType) && !method.DeclaringType.IsValueType)
                throw Abort(DiagnosticCatalogue.CallToNonBpfUserCode, name, method.DeclaringType.Name);
            if (reference is GenericInstanceMethod || method.HasGenericParameters || method.DeclaringType.HasGenericParameters)
                throw Unsupported($"the generic method '{name}' (write it for a concrete type)");
            // A global function stays a BPF-to-BPF call (compiled once, on its own); any other method is built for this
            // call site and inlined by the inlining pass.
            result = GlobalFunctions.IsGlobal(method) ? CallGlobal(method, args) : CallMethod(method, args);
        }
        else
        {
            throw Abort(DiagnosticCatalogue.CallOutsideSdk, reference.DeclaringType.FullName + "." + reference.Name);
        }
        if (result is not null) stack.Push(result);
    }

    /// <summary>
    /// Builds <paramref name="method"/> as a function of its own for this call site (its reference, context and map
    /// arguments bound, its scalar arguments parameters) and emits the call. A call back into a method still being
    /// built becomes a call of that function instead: a cycle the inlining pass reports as recursion.
    /// </summary>
    StackValue? CallMethod(MethodDefinition method, StackValue[] args)
    {
        // The result: a scalar comes back as the call's destination, a struct is stored by the callee into a slot of
        // this function, a reference is a compile-time value the callee binds.
        var result = method.ReturnType.MetadataType == MetadataType.Void
            ? null
            : NewVariable(method.ReturnType, $"{method.Name}.ret", addressTaken: false, $"the result of {method.Name}");
        var destination = (result as RegisterVariable)?.Register;
        var cycle = _calls.FirstOrDefault(c => c.Method == method).Function;
        if (cycle is not null)
        {
            // A reference result would be needed now to go on building; there is none, so report the cycle here.
            if (result is BoundVariable)
                throw Abort(DiagnosticCatalogue.Recursion, method.Name, string.Join(" -> ", _calls.Reverse().Select(c => c.Function.Name).Append(cycle.Name)));
            Emit(new CallInstruction(_position, destination, cycle, []));
            return result is null ? null : Load(result);
        }
        if (_calls.Count >= MaxCallDepth) throw Unsupported($"calls nested deeper than {MaxCallDepth} methods");

        var callee = _function.NewCallee(method.Name);
        var frame = new MethodFrame(method, callee, isRoot: false);
        if (destination is not null) frame.ReturnWidth = destination.Width;
        else frame.Result = result;
        var (caller, block, callerFrame, position) = (_function, _current, _frame, _position);
        _function = callee;
        _current = callee.NewBlock($"{method.Name}:entry");
        callee.EntryPosition = frame.Points.First ?? position;
        BuildBody(frame, args);
        (_function, _current, _frame, _position) = (caller, block, callerFrame, position);

        var operands = frame.ScalarArguments.Select(a => Widen(a.Argument, a.Parameter.Width).Operand).ToArray();
        Emit(new CallInstruction(_position, destination, callee, operands));
        return result is null ? null : Load(result);
    }

    void NewObject(MethodReference ctor, Stack<StackValue> stack)
    {
        var type = SdkMetadata.Resolve(ctor.DeclaringType);
        if (type is null) throw Abort(DiagnosticCatalogue.CallOutsideSdk, ctor.DeclaringType.FullName);
        if (type.BaseType?.FullName == "System.MulticastDelegate") throw Abort(DiagnosticCatalogue.LambdaOrDelegate, type.Name);
        // `throw new X()` allocates before it throws; the construct the author wrote is the throw.
        for (var t = type; t is not null; t = SdkMetadata.Resolve(t.BaseType))
            if (t.FullName == "System.Exception") throw Abort(DiagnosticCatalogue.Throw);
        if (!type.IsValueType) throw Abort(DiagnosticCatalogue.ReferenceTypeAllocation, type.Name);
        var method = SdkMetadata.Resolve(ctor) ?? throw Abort(DiagnosticCatalogue.CallOutsideSdk, ctor.FullName);
        if (method.Module != _root.Module) throw Abort(DiagnosticCatalogue.CallOutsideSdk, ctor.DeclaringType.FullName + "..ctor");
        var args = new StackValue[ctor.Parameters.Count + 1];
        for (int k = args.Length - 1; k >= 1; k--) args[k] = stack.Pop();
        var slot = new StackAddress(_function.NewSlot(SizeOfStruct(ctor.DeclaringType), $"new {type.Name}"), 0);
        Emit(new StackZeroInstruction(_position, slot, slot.Slot.Size));
        args[0] = new AddressValue(slot, ctor.DeclaringType);
        CallMethod(method, args);
        stack.Push(new StructValue(slot, ctor.DeclaringType));
    }

    /// <summary>An SDK member, recognised by its metadata attributes only.</summary>
    StackValue? Intrinsic(MethodReference reference, MethodDefinition method, StackValue[] args)
    {
        var name = $"{method.DeclaringType.Name}.{method.Name}";
        if (SdkMetadata.ContextField(method) is { } field) return ContextAccess(method, field, args);
        if (SdkMetadata.Has(method, SdkMetadata.NullReferenceTestAttribute)) return NullReferenceTest(args[0]);
        if (SdkMetadata.Find(method, SdkMetadata.EndianConversionAttribute) is { } endian) return ByteSwap(SdkMetadata.Argument<int>(endian, 0), args);
        if (SdkMetadata.Find(method, SdkMetadata.HelperAttribute) is { } helper) return HelperCall(reference, method, SdkMetadata.Argument<int>(helper, 0), args);
        if (SdkMetadata.Find(method.DeclaringType, SdkMetadata.ContextLayoutAttribute) is { } layout
            && SdkMetadata.Named(layout, "DataOffset", -1) >= 0 && reference is GenericInstanceMethod generic)
            return PacketAccess(method, generic, layout, args);
        throw Unsupported($"the SDK member '{name}' has no kernel lowering");
    }
}

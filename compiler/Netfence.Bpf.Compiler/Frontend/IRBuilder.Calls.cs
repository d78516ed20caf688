using Mono.Cecil;
using Mono.Cecil.Cil;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Frontend;

// call, callvirt and newobj: SDK members become intrinsics, user methods of BPF code types are inlined, everything
// else is outside the subset.
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
            result = GlobalFunctions.IsGlobal(method) ? CallGlobal(method, args) : InlineCall(method, args);
        }
        else
        {
            throw Abort(DiagnosticCatalogue.CallOutsideSdk, reference.DeclaringType.FullName + "." + reference.Name);
        }
        if (result is not null) stack.Push(result);
    }

    /// <summary>Inlines a user method: fresh variables, returns flowing to a continuation block.</summary>
    StackValue? InlineCall(MethodDefinition method, StackValue[] args)
    {
        var continuation = _function.NewBlock($"{method.Name}:return");
        var frame = new MethodFrame(method, continuation);
        if (method.ReturnType.MetadataType != MetadataType.Void)
            frame.Result = NewVariable(method.ReturnType, $"{method.Name}.ret", addressTaken: false, $"the result of {method.Name}");
        var caller = _position;
        Inline(frame, args);
        _position = caller;
        return frame.Result is null ? null : Load(frame.Result);
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
        InlineCall(method, args);
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

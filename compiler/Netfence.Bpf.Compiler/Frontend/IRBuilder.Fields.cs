using Mono.Cecil;
using Mono.Cecil.Cil;
using Netfence.Bpf.Compiler.Diagnostics;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Frontend;

// Fields and memory: ldfld/ldflda/stfld on frame structs and map value references, ldsfld of maps and
// configuration, initobj, ldobj/stobj/cpobj, ldind/stind and sizeof.
internal sealed partial class IRBuilder
{
    bool TryFields(Instruction i, Stack<StackValue> stack)
    {
        switch (i.OpCode.Code)
        {
            case Code.Ldfld:
            {
                var field = (FieldReference)i.Operand;
                var target = stack.Pop();
                if (target is PointerReference r)
                {
                    stack.Push(LoadThrough(r, OffsetOf(field), field.FieldType));
                    return true;
                }
                var address = FieldAddress(target, field);
                stack.Push(LoadAt(address, field.FieldType));
                return true;
            }
            case Code.Ldflda:
            {
                var field = (FieldReference)i.Operand;
                var target = stack.Pop();
                if (target is PointerReference r)
                {
                    stack.Push(new PointerReference(((PointerReference)Checked(r)).Pointer, r.Offset + OffsetOf(field), field.FieldType));
                    return true;
                }
                stack.Push(new AddressValue(FieldAddress(target, field), field.FieldType));
                return true;
            }
            case Code.Stfld:
            {
                var field = (FieldReference)i.Operand;
                var value = stack.Pop();
                var target = stack.Pop();
                if (target is PointerReference r)
                {
                    StoreThrough(r, OffsetOf(field), field.FieldType, value);
                    return true;
                }
                if (target is StructValue) throw Unsupported("a field store into a struct value that is not a variable");
                var address = FieldAddress(target, field);
                Protect(stack, address.Slot);
                StoreAt(address, field.FieldType, value);
                return true;
            }
            case Code.Ldsfld:
                stack.Push(LoadStatic((FieldReference)i.Operand));
                return true;
            case Code.Ldsflda:
                throw Unsupported($"the address of static field '{((FieldReference)i.Operand).Name}'");
            case Code.Stsfld:
                throw Abort(DiagnosticCatalogue.MutableStaticField, ((FieldReference)i.Operand).Name);
            case Code.Initobj:
            {
                var type = (TypeReference)i.Operand;
                var address = PopAddress(stack);
                Protect(stack, address.Slot);
                if (TypeLayout.ScalarSize(type) is { } size) Emit(new StackStoreInstruction(_position, address, size, Operand.Of(0)));
                else Emit(new StackZeroInstruction(_position, address, SizeOfStruct(type)));
                return true;
            }
            case Code.Ldobj:
            {
                var type = (TypeReference)i.Operand;
                stack.Push(stack.Peek() is PointerReference ? LoadThrough(PopReference(stack), 0, type) : LoadAt(PopAddress(stack), type));
                return true;
            }
            case Code.Stobj:
            {
                var type = (TypeReference)i.Operand;
                var value = stack.Pop();
                if (stack.Peek() is PointerReference)
                {
                    StoreThrough(PopReference(stack), 0, type, value);
                    return true;
                }
                var address = PopAddress(stack);
                Protect(stack, address.Slot);
                StoreAt(address, type, value);
                return true;
            }
            case Code.Cpobj:
            {
                var type = (TypeReference)i.Operand;
                var source = PopAddress(stack);
                var target = PopAddress(stack);
                Protect(stack, target.Slot);
                StoreAt(target, type, LoadAt(source, type));
                return true;
            }
            case Code.Sizeof:
                stack.Push(new ScalarValue(Operand.Of(SizeOfStruct((TypeReference)i.Operand)), Width.W32));
                return true;
            case Code.Ldind_I1: stack.Push(LoadIndirect(stack, Primitive(MetadataType.SByte))); return true;
            case Code.Ldind_U1: stack.Push(LoadIndirect(stack, Primitive(MetadataType.Byte))); return true;
            case Code.Ldind_I2: stack.Push(LoadIndirect(stack, Primitive(MetadataType.Int16))); return true;
            case Code.Ldind_U2: stack.Push(LoadIndirect(stack, Primitive(MetadataType.UInt16))); return true;
            case Code.Ldind_I4 or Code.Ldind_U4: stack.Push(LoadIndirect(stack, Primitive(MetadataType.Int32))); return true;
            case Code.Ldind_I8: stack.Push(LoadIndirect(stack, Primitive(MetadataType.Int64))); return true;
            case Code.Stind_I1: StoreIndirect(stack, 1); return true;
            case Code.Stind_I2: StoreIndirect(stack, 2); return true;
            case Code.Stind_I4: StoreIndirect(stack, 4); return true;
            case Code.Stind_I8: StoreIndirect(stack, 8); return true;
            case Code.Ldind_R4 or Code.Ldind_R8 or Code.Stind_R4 or Code.Stind_R8:
                throw Abort(DiagnosticCatalogue.FloatingPoint, i.OpCode.Name);
            case Code.Ldind_Ref or Code.Stind_Ref:
                throw Abort(DiagnosticCatalogue.ReferenceTypeVariable, "an object reference");
            default:
                return false;
        }
    }

    TypeReference Primitive(MetadataType type) => type switch
    {
        MetadataType.SByte => _frame.Method.Module.TypeSystem.SByte,
        MetadataType.Byte => _frame.Method.Module.TypeSystem.Byte,
        MetadataType.Int16 => _frame.Method.Module.TypeSystem.Int16,
        MetadataType.UInt16 => _frame.Method.Module.TypeSystem.UInt16,
        MetadataType.Int32 => _frame.Method.Module.TypeSystem.Int32,
        _ => _frame.Method.Module.TypeSystem.Int64,
    };

    StackValue LoadIndirect(Stack<StackValue> stack, TypeReference type) =>
        stack.Peek() is PointerReference ? LoadThrough(PopReference(stack), 0, type) : LoadAt(PopAddress(stack), type);

    PointerReference PopReference(Stack<StackValue> stack) => (PointerReference)Checked(stack.Pop());

    int OffsetOf(FieldReference field)
    {
        try
        {
            return TypeLayout.OffsetOf(field);
        }
        catch (LayoutException e)
        {
            throw Unsupported(e.Message);
        }
    }

    void StoreIndirect(Stack<StackValue> stack, int size)
    {
        var value = PopScalar(stack);
        if (stack.Peek() is PointerReference)
        {
            var r = PopReference(stack);
            Emit(new PointerStoreInstruction(_position, r.Pointer, r.Offset, size, value.Operand));
            return;
        }
        var address = PopAddress(stack);
        Protect(stack, address.Slot);
        Emit(new StackStoreInstruction(_position, address, size, value.Operand));
    }

    StackAddress PopAddress(Stack<StackValue> stack) => Checked(stack.Pop()) switch
    {
        AddressValue a => a.Address,
        ContextValue => throw Unsupported("reading or writing the context as memory; use its properties"),
        var other => throw Unsupported($"{Describe(other)} used as an address"),
    };

    StackAddress FieldAddress(StackValue target, FieldReference field)
    {
        int offset;
        try
        {
            offset = TypeLayout.OffsetOf(field);
        }
        catch (LayoutException e)
        {
            throw Unsupported(e.Message);
        }
        return target switch
        {
            AddressValue a => a.Address.At(offset),
            StructValue s => s.Address.At(offset),
            ContextValue => throw Unsupported($"field '{field.Name}' of the context; use its properties"),
            var other => throw Unsupported($"field '{field.Name}' of {Describe(other)}"),
        };
    }

    /// <summary>A scalar load, or a struct value left in place (copied only when stored).</summary>
    StackValue LoadAt(StackAddress address, TypeReference type)
    {
        if (TypeLayout.IsFloatingPoint(type)) throw Abort(DiagnosticCatalogue.FloatingPoint, type.Name);
        return TypeLayout.Classify(type) switch
        {
            TypeKind.Scalar => LoadScalar(address, type),
            TypeKind.Struct => new StructValue(address, type),
            _ => throw Unsupported($"a field of type '{type.Name}'"),
        };
    }

    StackValue LoadStatic(FieldReference reference)
    {
        var field = SdkMetadata.Resolve(reference.DeclaringType)?.Fields.FirstOrDefault(f => f.Name == reference.Name)
                    ?? throw Unsupported($"the static field '{reference.FullName}' cannot be resolved");
        if (_discovery.Maps.TryGetValue(field, out var map)) return new MapValue(map);
        // A lambda's IL starts by reading the delegate the compiler caches in a static field.
        if (SdkMetadata.Resolve(field.FieldType)?.BaseType?.FullName == "System.MulticastDelegate")
            throw Abort(DiagnosticCatalogue.LambdaOrDelegate, field.FieldType.Name);
        if (_discovery.Config.TryGetValue(field, out var config))
        {
            var width = WidthOf(field.FieldType);
            var dst = Temp(width);
            Emit(new ConfigLoadInstruction(_position, dst, config.Name, config.Size, config.Signed));
            return new ScalarValue(Operand.Of(dst), width);
        }
        if (SdkMetadata.MapType(field.FieldType) is not null)
            throw Abort(DiagnosticCatalogue.MapFieldDeclaration, field.Name, "is not a constant map definition");
        if (!field.IsInitOnly) throw Abort(DiagnosticCatalogue.MutableStaticField, field.Name);
        if (!_discovery.CodeTypes.Contains(field.DeclaringType))
            throw Abort(DiagnosticCatalogue.CallToNonBpfUserCode, field.Name, field.DeclaringType.Name);
        if (TypeLayout.ScalarSize(field.FieldType) is not null)
            throw new AlreadyReportedException($"configuration field '{field.Name}' has no constant value");
        throw Unsupported($"the static readonly field '{field.Name}' of type '{field.FieldType.Name}' (only integer configuration is supported)");
    }
}

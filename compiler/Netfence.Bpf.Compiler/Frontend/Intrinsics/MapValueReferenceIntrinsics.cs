using Mono.Cecil;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Frontend;

// Map value references: what a ref-returning Lookup gives, BpfMap.IsMissing (carrying [NullReferenceTest]) on it,
// and loads, stores and copies through it. A reference must be tested before any other use (NF0036, as the
// analyzer reports it); the test is a 64-bit comparison of the pointer register itself with zero, the shape the
// verifier turns into PTR_TO_MAP_VALUE on the path where it is not null.
internal sealed partial class IRBuilder
{
    /// <summary>Lookup pointers not yet tested, by register, with the member that produced them for the diagnostic.</summary>
    readonly Dictionary<VirtualRegister, string> _uncheckedReferences = [];

    StackValue LookupReference(MethodReference reference, MapDeclaration map, int helperId, List<MapHelperArgument> arguments, string member)
    {
        var pointer = _function.NewRegister(Width.W64, "value");
        Emit(new MapHelperInstruction(_position, MapHelperShape.LookupPointer, helperId, map.Name, pointer, arguments, null, 0));
        _uncheckedReferences[pointer] = member;
        return new PointerReference(pointer, 0, ValueType(reference));
    }

    // TValue of the map instance the member was called on: the return type is TValue& over the open generic.
    static TypeReference ValueType(MethodReference reference)
    {
        var element = ((ByReferenceType)reference.ReturnType).ElementType;
        if (element is GenericParameter { Owner: TypeReference } parameter && reference.DeclaringType is GenericInstanceType instance)
            return instance.GenericArguments[parameter.Position];
        return element;
    }

    StackValue NullReferenceTest(StackValue value)
    {
        var dst = Temp(Width.W32);
        switch (value)
        {
            case PointerReference { Offset: 0 } r:
                _uncheckedReferences.Remove(r.Pointer);
                Emit(new CompareInstruction(_position, Condition.Equal, Width.W64, dst, Operand.Of(r.Pointer), Operand.Of(0)));
                break;
            case PointerReference r:
                // A field of a value: computing it was a use, so the value was tested and is not null.
                Checked(r);
                Emit(new MoveInstruction(_position, dst, Operand.Of(0)));
                break;
            case AddressValue or ContextValue:
                // A reference into the frame or the context is never null, in .NET as here.
                Emit(new MoveInstruction(_position, dst, Operand.Of(0)));
                break;
            default:
                throw Unsupported($"a null test of {Describe(value)}");
        }
        return new ScalarValue(Operand.Of(dst), Width.W32);
    }

    /// <summary>Reports a use of a map value reference before its null test; returns the value otherwise.</summary>
    StackValue Checked(StackValue value)
    {
        if (value is PointerReference r && _uncheckedReferences.TryGetValue(r.Pointer, out var member))
            throw Abort(DiagnosticCatalogue.UncheckedMapValueReference, member);
        return value;
    }

    /// <summary>A scalar loaded through the reference, or a struct copied out of the map value into the frame.</summary>
    StackValue LoadThrough(PointerReference r, int offset, TypeReference type)
    {
        Checked(r);
        if (TypeLayout.IsFloatingPoint(type)) throw Abort(DiagnosticCatalogue.FloatingPoint, type.Name);
        switch (TypeLayout.Classify(type))
        {
            case TypeKind.Scalar:
            {
                var width = WidthOf(type);
                var dst = Temp(width);
                Emit(new PointerLoadInstruction(_position, dst, r.Pointer, r.Offset + offset, TypeLayout.ScalarSize(type)!.Value, TypeLayout.IsSignedSmall(type)));
                return new ScalarValue(Operand.Of(dst), width);
            }
            case TypeKind.Struct:
            {
                int size = SizeOfStruct(type);
                var copy = new StackAddress(_function.NewSlot(size, "mapcopy"), 0);
                Emit(new PointerCopyInstruction(_position, false, copy, r.Pointer, r.Offset + offset, size));
                return new StructValue(copy, type);
            }
            default:
                throw Unsupported($"a map value field of type '{type.Name}'");
        }
    }

    /// <summary>Stores a scalar or copies a frame struct into the map value through the reference.</summary>
    void StoreThrough(PointerReference r, int offset, TypeReference type, StackValue value)
    {
        Checked(r);
        switch (value)
        {
            case ScalarValue s when TypeLayout.ScalarSize(type) is { } size:
                Emit(new PointerStoreInstruction(_position, r.Pointer, r.Offset + offset, size, s.Operand));
                break;
            case StructValue s:
                Emit(new PointerCopyInstruction(_position, true, s.Address, r.Pointer, r.Offset + offset, SizeOfStruct(type)));
                break;
            default:
                throw Unsupported($"storing {Describe(value)} into a map value as a '{type.Name}'");
        }
    }
}

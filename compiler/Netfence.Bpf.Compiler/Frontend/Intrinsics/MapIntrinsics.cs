using Mono.Cecil;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Frontend;

// Map members: the helper id comes from [Helper], the argument shape from the signature (out value → lookup and
// copy; a ref return → the value pointer itself, see PointerReferenceIntrinsics; an extension returning bool →
// lookup and add; a method-generic record → pointer, size, flags; otherwise pointers for by-ref parameters and
// scalars for the rest).
internal sealed partial class IRBuilder
{
    /// <summary>Results of lookups, so discarding one (IL pop) reports NF0018 as the analyzer does.</summary>
    readonly Dictionary<VirtualRegister, string> _lookupResults = [];

    StackValue MapHelper(MethodReference reference, MethodDefinition method, int helperId, StackValue[] args)
    {
        var map = (args[0] as MapValue ?? throw Unsupported($"'{method.Name}' on a map that is not a map field")).Map;
        var parameters = method.Parameters.Skip(method.IsStatic ? 1 : 0).ToList();
        var rest = args.Skip(1).ToList();
        var arguments = new List<MapHelperArgument>();

        if (parameters.Any(p => p.IsOut))
        {
            StackAddress? output = null;
            for (int k = 0; k < parameters.Count; k++)
            {
                var address = rest[k] as AddressValue ?? throw Unsupported($"'{parameters[k].Name}' of {method.Name} is not a variable");
                if (parameters[k].IsOut) output = address.Address;
                else arguments.Add(MapHelperArgument.Pointer(address.Address));
            }
            var found = Temp(Width.W32);
            _lookupResults[found] = $"{map.Name}.{method.Name}";
            Emit(new MapHelperInstruction(_position, MapHelperShape.LookupCopy, helperId, map.Name, found, arguments, output, map.ValueSize));
            return new ScalarValue(Operand.Of(found), Width.W32);
        }

        if (method.IsStatic && method.ReturnType.MetadataType == MetadataType.Boolean)
        {
            // (index, delta): the index becomes the key in the frame, the delta is added through the value pointer.
            if (rest.Count != 2 || rest[0] is not ScalarValue index || rest[1] is not ScalarValue delta)
                throw Unsupported($"the map member '{method.Name}' has no kernel lowering");
            var key = new StackAddress(_function.NewSlot(Math.Max(map.KeySize, 4), "key"), 0);
            Emit(new StackStoreInstruction(_position, key, map.KeySize, index.Operand));
            arguments.Add(MapHelperArgument.Pointer(key));
            arguments.Add(MapHelperArgument.Scalar(Widen(delta, Width.W64).Operand));
            var found = Temp(Width.W32);
            Emit(new MapHelperInstruction(_position, MapHelperShape.LookupAdd, helperId, map.Name, found, arguments, null, 0));
            return new ScalarValue(Operand.Of(found), Width.W32);
        }

        if (method.ReturnType is ByReferenceType)
        {
            for (int k = 0; k < parameters.Count; k++)
                arguments.Add(rest[k] is AddressValue a ? MapHelperArgument.Pointer(a.Address)
                    : throw Unsupported($"'{parameters[k].Name}' of {method.Name} is not a variable"));
            return LookupReference(reference, map, helperId, arguments, $"{map.Name}.{method.Name}");
        }

        var result = Temp(Width.W64);
        if (reference is GenericInstanceMethod generic)
        {
            var data = rest.Count == 1 && rest[0] is AddressValue a ? a : throw Unsupported($"the map member '{method.Name}' has no kernel lowering");
            arguments.Add(MapHelperArgument.Pointer(data.Address));
            arguments.Add(MapHelperArgument.Scalar(Operand.Of(SizeOfStruct(generic.GenericArguments[0]))));
            arguments.Add(MapHelperArgument.Scalar(Operand.Of(0)));
            Emit(new MapHelperInstruction(_position, MapHelperShape.Record, helperId, map.Name, result, arguments, null, 0));
            return new ScalarValue(Operand.Of(result), Width.W64);
        }

        for (int k = 0; k < parameters.Count; k++)
        {
            arguments.Add(rest[k] switch
            {
                AddressValue a => MapHelperArgument.Pointer(a.Address),
                ScalarValue s => MapHelperArgument.Scalar(Widen(s, Width.W64).Operand),
                var other => throw Unsupported($"passing {Describe(other)} to '{method.Name}'"),
            });
        }
        if (arguments.Count > 4) throw Unsupported($"'{method.Name}' passes more than 5 helper arguments");
        Emit(new MapHelperInstruction(_position, MapHelperShape.Call, helperId, map.Name, result, arguments, null, 0));
        if (SdkMetadata.Find(method, SdkMetadata.HelperAttribute) is { } helper && SdkMetadata.Named(helper, "ResultIs32Bit", false))
        {
            // [Helper(ResultIs32Bit = true)]: only the low half of r0 is the result on some kernels (6.1's verifier calls
            // the map's own update/delete directly, and those returned int), so an errno read as long would be
            // 4294967294 instead of -2 there. The result fits in 32 bits: sign-extend it.
            return Convert(Convert(new ScalarValue(Operand.Of(result), Width.W64), ExtendKind.Truncate64To32, Width.W32),
                ExtendKind.SignExtend32To64, Width.W64);
        }
        return new ScalarValue(Operand.Of(result), Width.W64);
    }
}

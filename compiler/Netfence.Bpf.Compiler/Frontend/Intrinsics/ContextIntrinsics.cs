using Mono.Cecil;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Frontend;

// Context properties and indexed accessors carrying [ContextField(offset, size, writable) { Count }].
internal sealed partial class IRBuilder
{
    StackValue? ContextAccess(MethodDefinition method, CustomAttribute field, StackValue[] args)
    {
        var name = method.Name.StartsWith("get_", StringComparison.Ordinal) || method.Name.StartsWith("set_", StringComparison.Ordinal)
            ? method.Name[4..] : method.Name;
        if (args.Length == 0 || args[0] is not ContextValue) throw Unsupported($"'{name}' on something other than the program's context");
        int offset = SdkMetadata.Argument<int>(field, 0);
        int size = SdkMetadata.Argument<int>(field, 1);
        bool writable = SdkMetadata.Argument<bool>(field, 2);
        int count = SdkMetadata.Named(field, "Count", 1);
        bool write = method.ReturnType.MetadataType == MetadataType.Void;
        int scalarArgs = args.Length - 1 - (write ? 1 : 0);
        if (count > 1 || scalarArgs > 0)
        {
            if (args[1] is not ScalarValue { IsConstant: true } index || index.Operand.Constant < 0 || index.Operand.Constant >= count)
                throw Abort(DiagnosticCatalogue.ContextIndex, name, count - 1);
            offset += (int)index.Operand.Constant * size;
        }
        if (write)
        {
            if (!writable) throw Unsupported($"a store to the read-only context field '{name}'");
            // The kernel rewrites context stores of the field's declared width only; anything else is rejected.
            if (size != 4) throw Abort(DiagnosticCatalogue.ContextWriteWidth, name, size);
            var value = args[^1] as ScalarValue ?? throw Unsupported($"storing {Describe(args[^1])} into '{name}'");
            Emit(new ContextStoreInstruction(_position, _function.Context, offset, size, Widen(value, Width.W32).Operand));
            return null;
        }
        var width = WidthOf(method.ReturnType);
        var dst = Temp(width);
        Emit(new ContextLoadInstruction(_position, dst, _function.Context, offset, size));
        return new ScalarValue(Operand.Of(dst), width);
    }
}

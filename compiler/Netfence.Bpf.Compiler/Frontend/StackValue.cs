using Mono.Cecil;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>
/// An entry of the abstract IL evaluation stack. Only scalars exist at run time; contexts, frame addresses, struct
/// values (kept in the frame) and maps are compile-time facts, which is what lets every C# reference become a fixed
/// r10 offset after inlining.
/// </summary>
internal abstract record StackValue;

/// <summary>An integer in a register or a constant.</summary>
internal sealed record ScalarValue(Operand Operand, Width Width) : StackValue
{
    public bool IsConstant => Operand.IsConstant;
}

/// <summary>The program's context (and the address of a context argument, which is the same pointer).</summary>
internal sealed record ContextValue : StackValue
{
    public static readonly ContextValue Instance = new();
}

/// <summary>A managed reference into the frame.</summary>
internal sealed record AddressValue(StackAddress Address, TypeReference Type) : StackValue;

/// <summary>A struct value held in the frame at <see cref="Address"/>; copying it is explicit.</summary>
internal sealed record StructValue(StackAddress Address, TypeReference Type) : StackValue;

/// <summary>
/// A reference held in a pointer register plus a compile-time field offset: the map value a <c>Lookup</c> returned
/// (PTR_TO_MAP_VALUE once the program compared it with zero), or a by-ref parameter of a global function (the
/// caller's frame or map value, PTR_TO_MEM to the verifier). Accesses go through <see cref="Pointer"/>.
/// </summary>
internal sealed record PointerReference(VirtualRegister Pointer, int Offset, TypeReference Type) : StackValue;

/// <summary>A map field's value.</summary>
internal sealed record MapValue(MapDeclaration Map) : StackValue;

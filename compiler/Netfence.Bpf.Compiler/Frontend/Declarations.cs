using Mono.Cecil;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>
/// A [Program] method and the kernel facts of its hook (from the Hook value's [HookInfo]): its name
/// (<c>tcx/ingress</c>, recorded in the object as a BTF decl tag) and its ELF section (<c>tc</c> for every TC hook,
/// what libbpf 1.1 understands).
/// </summary>
internal sealed record ProgramDeclaration(MethodDefinition Method, string Name, string Hook, string Section, int ProgramType, int AttachType, TypeDefinition ContextType);

/// <summary>
/// A map field with the definition read from its static initialiser. <c>KeyType</c>/<c>ValueType</c> are the C# types
/// of its keys and values (u32 for an array's index; both null for a ring buffer), written to the object's BTF.
/// </summary>
internal sealed record MapDeclaration(FieldDefinition Field, string Name, int MapType, uint MaxEntries, uint Flags, uint Pinning, int KeySize, int ValueSize,
    TypeReference? KeyType = null, TypeReference? ValueType = null);

/// <summary>A configuration field: a static readonly primitive whose initial value becomes its .rodata bytes.</summary>
internal sealed record ConfigVariable(FieldDefinition Field, string Name, int Size, bool Signed, byte[] InitialValue)
{
    /// <summary>Byte offset in .rodata, assigned when the section is laid out.</summary>
    public int Offset { get; set; }
}

/// <summary>A [GlobalFunction] method: compiled once into .text and called, with the signature its BTF declares.</summary>
internal sealed record GlobalFunctionDeclaration(MethodDefinition Method, string Name, IReadOnlyList<FunctionParameter> Parameters, int ReturnSize, bool ReturnSigned);

/// <summary>
/// A global function's parameter: an integer in a register, or (<see cref="ByReference"/>) a pointer to a struct of
/// <see cref="Size"/> bytes, which the verifier lets the function read and write within that size once null-checked.
/// </summary>
internal sealed record FunctionParameter(string Name, TypeReference Type, bool ByReference, int Size, bool Signed);

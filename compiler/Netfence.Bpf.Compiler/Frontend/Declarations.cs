using Mono.Cecil;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>
/// A [Program] method and the kernel facts of its hook (from the Hook value's [HookInfo]): its name
/// (<c>tcx/ingress</c>, recorded in the object as a BTF decl tag) and its ELF section (<c>tc</c> for every TC hook,
/// what libbpf 1.1 understands).
/// </summary>
internal sealed record ProgramDeclaration(MethodDefinition Method, string Name, string Hook, string Section, int ProgramType, int AttachType, TypeDefinition ContextType);

/// <summary>A map field with the definition read from its static initialiser.</summary>
internal sealed record MapDeclaration(FieldDefinition Field, string Name, int MapType, uint MaxEntries, uint Flags, uint Pinning, int KeySize, int ValueSize);

/// <summary>A configuration field: a static readonly primitive whose initial value becomes its .rodata bytes.</summary>
internal sealed record ConfigVariable(FieldDefinition Field, string Name, int Size, bool Signed, byte[] InitialValue)
{
    /// <summary>Byte offset in .rodata, assigned when the section is laid out.</summary>
    public int Offset { get; set; }
}

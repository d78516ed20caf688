using Mono.Cecil;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>Where an IL argument or local lives.</summary>
internal abstract class Variable(TypeReference type)
{
    public TypeReference Type { get; } = type;
}

/// <summary>A scalar whose address is never taken: a virtual register.</summary>
internal sealed class RegisterVariable(TypeReference type, VirtualRegister register) : Variable(type)
{
    public VirtualRegister Register { get; } = register;
}

/// <summary>A struct, or a scalar whose address is taken: a frame slot.</summary>
internal sealed class MemoryVariable(TypeReference type, StackAddress address) : Variable(type)
{
    public StackAddress Address { get; } = address;
}

/// <summary>
/// A reference, context or map variable: it holds a compile-time value. Assigning it a different value on another
/// path would make the value a run-time choice, which the frontend refuses.
/// </summary>
internal sealed class BoundVariable(TypeReference type) : Variable(type)
{
    public StackValue? Value { get; set; }
}

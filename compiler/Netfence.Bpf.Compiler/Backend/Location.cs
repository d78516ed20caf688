using Netfence.Bpf.Asm;

namespace Netfence.Bpf.Compiler.Backend;

/// <summary>Where a virtual register lives: a callee-saved register (r6–r9) or an 8-byte frame spill slot.</summary>
internal readonly record struct Location(Register? Register, int SpillOffset)
{
    public bool IsSpilled => Register is null;

    public static Location In(Register register) => new(register, 0);

    public static Location Spilled(int offset) => new(null, offset);
}

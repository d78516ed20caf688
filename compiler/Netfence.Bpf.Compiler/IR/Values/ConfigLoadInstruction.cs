namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// A load of a configuration field from .rodata: LD_IMM64 of the variable's address (a relocation the loader turns
/// into a map value pointer) and an LDX, so patching .rodata before load changes the value the program sees.
/// </summary>
internal sealed class ConfigLoadInstruction(SourcePosition? position, VirtualRegister destination, string variable, int size, bool signExtend)
    : IrInstruction(position, destination)
{
    public string Variable { get; } = variable;

    public int Size { get; } = size;

    public bool SignExtend { get; } = signExtend;

    public override string ToString() => $"{Dest}rodata.{Variable}:{Size}";
}

namespace Netfence.Bpf.Asm;

/// <summary>A jump target in an <see cref="Assembler"/>, placed with <see cref="Assembler.Mark"/>.</summary>
public readonly record struct Label(int Id);

namespace Netfence.Bpf.Elf;

/// <summary>A global variable in a data section (<c>.rodata</c>, <c>.data</c>, <c>.bss</c>): where its bytes are.</summary>
public sealed record DataVariable(string Name, string Section, int Offset, int Size);

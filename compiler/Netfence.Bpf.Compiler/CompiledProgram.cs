namespace Netfence.Bpf.Compiler;

/// <summary>One program in the object.</summary>
/// <param name="Name">The symbol name (the C# method name).</param>
/// <param name="Section">The ELF section it is written to (<c>tc</c> for every TC hook).</param>
/// <param name="InstructionCount">Instruction slots (LD_IMM64 counts two), as the kernel counts insn_cnt.</param>
/// <param name="StackBytes">Bytes of the 512-byte BPF stack the program uses.</param>
/// <param name="Hook">The hook it was written for (<c>tcx/ingress</c>), as the object's BTF records it.</param>
public sealed record CompiledProgram(string Name, string Section, int InstructionCount, int StackBytes, string Hook);

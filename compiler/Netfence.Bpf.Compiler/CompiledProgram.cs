namespace Netfence.Bpf.Compiler;

/// <summary>One program in the object.</summary>
/// <param name="Name">The symbol name (the C# method name).</param>
/// <param name="Section">The libbpf section name of its hook.</param>
/// <param name="InstructionCount">Instruction slots (LD_IMM64 counts two), as the kernel counts insn_cnt.</param>
/// <param name="StackBytes">Bytes of the 512-byte BPF stack the program uses.</param>
public sealed record CompiledProgram(string Name, string Section, int InstructionCount, int StackBytes);

using Netfence.Bpf.Asm;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Backend;

/// <summary>A BPF instruction with the C# position it came from and, for jumps, the label it targets.</summary>
internal sealed record EmittedInstruction(Instruction Instruction, SourcePosition? Position, int? TargetLabel = null);

/// <summary>A compiled program: its instructions (jumps resolved), their positions and its stack use.</summary>
internal sealed record MachineFunction(string Name, IReadOnlyList<Instruction> Instructions, IReadOnlyList<SourcePosition?> Positions, int StackBytes);

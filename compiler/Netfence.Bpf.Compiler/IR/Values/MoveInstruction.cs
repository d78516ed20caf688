namespace Netfence.Bpf.Compiler.IR;

/// <summary><c>dst = src</c>.</summary>
internal sealed class MoveInstruction(SourcePosition? position, VirtualRegister destination, Operand source)
    : IrInstruction(position, destination, source)
{
    public Operand Source => Operands[0];

    public override string ToString() => $"{Dest}{Source}";
}

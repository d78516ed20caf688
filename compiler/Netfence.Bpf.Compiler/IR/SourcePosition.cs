namespace Netfence.Bpf.Compiler.IR;

/// <summary>A C# location from the PDB's sequence points; it travels with every IR and BPF instruction.</summary>
internal sealed record SourcePosition(string File, int Line, int Column)
{
    public override string ToString() => $"{File}({Line},{Column})";
}

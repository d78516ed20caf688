namespace Netfence.Bpf.Compiler;

/// <summary>Options of one compilation.</summary>
public sealed record CompilerOptions
{
    /// <summary>
    /// Where to look for source files whose PDB path does not exist on this machine, so BTF line_info can carry the
    /// text of each source line (the verifier prints it). Null: only the PDB's own paths are tried.
    /// </summary>
    public string? SourceRoot { get; init; }
}

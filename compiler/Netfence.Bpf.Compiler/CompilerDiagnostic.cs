namespace Netfence.Bpf.Compiler;

/// <summary>An NF diagnostic of the IL walker, at the C# location the PDB gives for the offending IL.</summary>
/// <param name="Id">The catalogue id, e.g. "NF0017".</param>
/// <param name="Message">The formatted message.</param>
/// <param name="File">The C# source file, or null when the PDB has no sequence point for the construct.</param>
/// <param name="Line">1-based line, 0 when unknown.</param>
/// <param name="Column">1-based column, 0 when unknown.</param>
public sealed record CompilerDiagnostic(string Id, string Message, string? File, int Line, int Column)
{
    /// <summary>The MSBuild canonical error form: <c>file(line,col): error NFxxxx: message</c>.</summary>
    public override string ToString() =>
        File is null ? $"error {Id}: {Message}" : $"{File}({Line},{Column}): error {Id}: {Message}";
}

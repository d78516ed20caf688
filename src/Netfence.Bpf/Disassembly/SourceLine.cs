namespace Netfence.Bpf.Disassembly;

/// <summary>A source position from BTF line_info: file, line, column and the text of that line.</summary>
public sealed record SourceLine(string File, int Line, int Column, string Text)
{
    /// <summary>The verifier's form: <c>; text @ file:line</c>.</summary>
    public override string ToString() => $"; {Text.Trim()} @ {System.IO.Path.GetFileName(File)}:{Line}";
}

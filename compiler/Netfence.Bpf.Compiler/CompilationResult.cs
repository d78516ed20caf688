namespace Netfence.Bpf.Compiler;

/// <summary>The outcome of <c>BpfCompiler.Compile</c>: an ELF object, or the diagnostics that prevented one.</summary>
/// <param name="ElfObject">The relocatable BPF object, null when any error was reported.</param>
/// <param name="Diagnostics">Every NF diagnostic, in discovery order.</param>
/// <param name="Programs">The programs in the object (empty on failure).</param>
public sealed record CompilationResult(byte[]? ElfObject, IReadOnlyList<CompilerDiagnostic> Diagnostics, IReadOnlyList<CompiledProgram> Programs)
{
    /// <summary>Whether an object was produced.</summary>
    public bool Success => ElfObject is not null;
}

using Netfence.Bpf.Compiler.DiffTests.Inputs;

namespace Netfence.Bpf.Compiler.DiffTests.Corpus;

/// <summary>One corpus program: where it is declared, what it is fed, and the maps it uses (reset and compared per case).</summary>
public sealed record CorpusEntry(string Program, Type Owner, IInputSource Inputs, IReadOnlyList<string> Maps)
{
    /// <inheritdoc />
    public override string ToString() => Program;
}

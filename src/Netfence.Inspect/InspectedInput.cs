using Netfence.Bpf.Disassembly;
using Netfence.Bpf.Elf;

namespace Netfence.Inspect;

/// <summary>What an input turned into: programs to list, the maps they use, and how to name operands.</summary>
public sealed record InspectedInput(string Source, InputKind Kind, CollectionSpec? Spec, IReadOnlyList<ProgramListing> Programs,
    IReadOnlyDictionary<string, MapReport> Maps, OperandNames Names);

/// <summary>Where the programs came from.</summary>
public enum InputKind
{
    /// <summary>A C# assembly, compiled with BpfCompiler first.</summary>
    Assembly,
    /// <summary>An eBPF ELF object.</summary>
    Object,
    /// <summary>A program loaded in the kernel (by id or pin).</summary>
    Live,
}

/// <summary>A problem with the user's input, reported as one line and exit code 1.</summary>
public sealed class InspectException(string message) : Exception(message);

using Netfence.Bpf.Asm;
using Netfence.Bpf.Btf;
using Netfence.Bpf.Programs;

namespace Netfence.Bpf.Elf;

/// <summary>
/// One program of an object, linked (its <c>.text</c> subprograms appended, calls fixed) but
/// with map references still symbolic: a LD_IMM64 whose <see cref="Instruction.Reference"/>
/// names a map (PSEUDO_MAP_FD) or a data section (PSEUDO_MAP_VALUE, offset in the upper 32 bits
/// of the constant). <see cref="FuncInfo"/>/<see cref="LineInfo"/> offsets are instruction slots.
/// </summary>
public sealed record CollectionProgramSpec
{
    public required string Name { get; init; }
    public required string SectionName { get; init; }
    public required ProgramType Type { get; init; }

    /// <summary>
    /// The hook the program was written for, from its <see cref="HookTag"/> (e.g. <c>tcx/ingress</c> for a program in
    /// section <c>tc</c>); null when the object does not say (clang objects: the section is all there is).
    /// </summary>
    public string? Hook { get; init; }
    public AttachType? ExpectedAttachType { get; init; }
    public required IReadOnlyList<Instruction> Instructions { get; init; }
    public required string License { get; init; }
    public IReadOnlyList<BtfFuncInfo> FuncInfo { get; init; } = [];
    public IReadOnlyList<BtfLineInfo> LineInfo { get; init; } = [];

    /// <summary>The maps (by name) the program references.</summary>
    public IEnumerable<string> MapReferences => Instructions.Where(i => i.Reference is not null).Select(i => i.Reference!).Distinct();
}

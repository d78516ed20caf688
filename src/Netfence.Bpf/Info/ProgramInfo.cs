using Netfence.Bpf.Programs;

namespace Netfence.Bpf.Info;

/// <summary>What the kernel reports about a loaded program.</summary>
/// <param name="Id">The kernel's program id.</param>
/// <param name="Type">The program type.</param>
/// <param name="Name">The name given at load (at most 15 bytes).</param>
/// <param name="Tag">The program's tag: a hash of its instructions, as hex (16 digits).</param>
/// <param name="XlatedSize">Bytes of the verifier-translated program.</param>
/// <param name="JitedSize">Bytes of JIT output (0 when the JIT is off).</param>
/// <param name="MapIds">Ids of the maps the program uses.</param>
/// <param name="BtfId">Id of the program's BTF, 0 when loaded without.</param>
/// <param name="LineInfoCount">Number of line_info records the kernel keeps.</param>
/// <param name="VerifiedInstructions">Instructions the verifier processed.</param>
public sealed record ProgramInfo(uint Id, ProgramType Type, string Name, string Tag, uint XlatedSize, uint JitedSize,
    IReadOnlyList<uint> MapIds, uint BtfId, uint LineInfoCount, uint VerifiedInstructions);

using Netfence.Bpf.Asm;

namespace Netfence.Bpf.Disassembly;

/// <summary>
/// One instruction of a listing at its slot, with the source line it belongs to (the last
/// line_info at or before it) and whether that line starts here (the previous instruction
/// belonged to another line).
/// </summary>
public sealed record ListingEntry(int Slot, Instruction Instruction, SourceLine? Source, bool StartsLine);

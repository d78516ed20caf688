namespace Netfence.Inspect;

// The shapes --json prints. Field names are part of the tool's interface: change them only on purpose.

/// <summary>A map as an object declares it or as the kernel reports it.</summary>
public sealed record MapReport(string Name, string Type, uint KeySize, uint ValueSize, uint MaxEntries, string Flags, uint? Id);

/// <summary>One program's summary; <c>Hook</c> is the hook the object tags the program with (null when it does not say).</summary>
public sealed record ProgramSummary(string Name, string? Section, string? Hook, string ProgramType, string? AttachType, int Instructions,
    int StackBytes, IReadOnlyList<string> Helpers, IReadOnlyList<MapReport> Maps);

/// <summary>One instruction of a disassembly, with its source line when BTF line_info names one.</summary>
public sealed record InstructionReport(int Slot, string Opcode, string Text, string? File, int? Line, string? Source);

/// <summary>One program's disassembly.</summary>
public sealed record ProgramDisassembly(string Name, string? Section, string Format, IReadOnlyList<InstructionReport> Instructions);

/// <summary>The default view: every program's summary and disassembly.</summary>
public sealed record InspectReport(string Input, string Kind, IReadOnlyList<ProgramSummary> Programs, IReadOnlyList<ProgramDisassembly> Disassembly);

/// <summary>The verifier's statistics line(s) for one program.</summary>
public sealed record VerifierStatistics(int? InstructionsProcessed, int? TotalStates, int? PeakStates, int? StackDepth, int? VerificationMicroseconds);

/// <summary>One program's verdict.</summary>
public sealed record ProgramVerdict(string Name, bool Accepted, VerifierStatistics? Statistics, IReadOnlyList<string> Log,
    IReadOnlyList<string> DecisiveLines, string? RejectedSourceLine);

/// <summary>--verify: the verdict of each program.</summary>
public sealed record VerifyReport(string Input, bool Accepted, IReadOnlyList<ProgramVerdict> Programs, string? Error);

/// <summary>One packet's run.</summary>
public sealed record PacketRun(int Packet, int Length, long ReturnValue, string Verdict, uint DurationNanoseconds);

/// <summary>--run: a program run on packets through BPF_PROG_TEST_RUN.</summary>
public sealed record RunReport(string Input, string Program, IReadOnlyList<PacketRun> Runs);

/// <summary>A per-program or per-line count in a diff.</summary>
public sealed record CountChange(string Key, int Before, int After)
{
    public int Delta => After - Before;
}

/// <summary>One program's instruction counts in two builds.</summary>
public sealed record ProgramDiff(string Name, int Before, int After, int Delta, IReadOnlyList<CountChange> Lines);

/// <summary>--diff: two builds side by side.</summary>
public sealed record DiffReport(string Before, string After, IReadOnlyList<ProgramDiff> Programs);

using Netfence.Bpf.Asm;

namespace Netfence.Bpf.Programs;

/// <summary>
/// Everything needed to load one program. Map references in <see cref="Instructions"/> must be
/// resolved to fds before loading (see <see cref="Instruction.LoadMapFd(Register,int)"/>).
/// </summary>
public sealed record ProgramSpec
{
    /// <summary>Name shown by the kernel (truncated to 15 bytes, as the kernel keeps 16 with NUL).</summary>
    public required string Name { get; init; }
    public required ProgramType Type { get; init; }
    public required IReadOnlyList<Instruction> Instructions { get; init; }
    /// <summary>Required for cgroup sock_addr programs, which the kernel checks at attach.</summary>
    public AttachType? ExpectedAttachType { get; init; }
    /// <summary>GPL-compatible licenses unlock GPL-only helpers.</summary>
    public string License { get; init; } = "GPL";
    /// <summary>Optional BTF with func_info/line_info, so verifier messages can name source lines.</summary>
    public ProgramBtf? Btf { get; init; }
    /// <summary>The section the program came from, for error messages (e.g. <c>tcx/ingress</c>).</summary>
    public string? SectionName { get; init; }
}

/// <summary>BTF and its per-program records, already in the kernel's binary record format.</summary>
/// <param name="BtfFd">A loaded BTF object.</param>
/// <param name="FuncInfo">bpf_func_info records (8 bytes each: insn_off, type_id).</param>
/// <param name="LineInfo">bpf_line_info records (16 bytes each).</param>
/// <param name="SourceLines">
/// The same line_info records decoded (file, line, text), so a kernel that prints a source line without its file and
/// line (older kernels, 6.1 among them) still gets them in the log (<see cref="VerifierLogSourceLines"/>); none: the log stays as printed.
/// </param>
public sealed record ProgramBtf(Syscalls.BpfFd BtfFd, byte[] FuncInfo, byte[] LineInfo, IReadOnlyList<Btf.BtfLineInfo>? SourceLines = null)
{
    public const int FuncInfoRecordSize = 8;
    public const int LineInfoRecordSize = 16;
}

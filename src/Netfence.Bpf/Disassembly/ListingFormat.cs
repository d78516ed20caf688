namespace Netfence.Bpf.Disassembly;

/// <summary>The text form of a listing's instructions.</summary>
public enum ListingFormat
{
    /// <summary>The kernel verifier's and <c>bpftool prog dump xlated</c>'s form (kernel/bpf/disasm.c).</summary>
    Verifier,
    /// <summary><c>llvm-objdump -d</c>'s form.</summary>
    Llvm,
}

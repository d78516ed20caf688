namespace Netfence.Bpf.Btf;

/// <summary>
/// A function's BTF at an instruction: <paramref name="InstructionOffset"/> is in bytes within
/// the ELF section (as in .BTF.ext), or in instruction slots once relocated for the kernel.
/// </summary>
public sealed record BtfFuncInfo(uint InstructionOffset, uint TypeId);

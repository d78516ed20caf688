namespace Netfence.Bpf.Btf;

/// <summary>Where a variable sits in its data section.</summary>
public sealed record BtfVarSecInfo(uint Type, uint Offset, uint Size);

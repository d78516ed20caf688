namespace Netfence.Bpf.Btf;

/// <summary>A struct or union member. <paramref name="BitfieldSize"/> is 0 for ordinary members.</summary>
public sealed record BtfMember(string Name, uint Type, uint BitOffset, byte BitfieldSize = 0);

namespace Netfence.Bpf.Btf;

/// <summary>A parameter of a function prototype (unnamed varargs marker: empty name, type 0).</summary>
public sealed record BtfParameter(string Name, uint Type);

namespace Netfence.Bpf.Btf;

/// <summary>Linkage of a function or variable.</summary>
public enum BtfLinkage : uint
{
    Static = 0,
    Global = 1,
    Extern = 2,
}

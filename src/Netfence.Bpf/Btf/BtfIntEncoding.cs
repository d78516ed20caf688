namespace Netfence.Bpf.Btf;

/// <summary>Flags of an integer's encoding (<c>BTF_INT_SIGNED</c>, <c>CHAR</c>, <c>BOOL</c>).</summary>
[Flags]
public enum BtfIntEncoding : byte
{
    None = 0,
    Signed = 1,
    Char = 2,
    Bool = 4,
}

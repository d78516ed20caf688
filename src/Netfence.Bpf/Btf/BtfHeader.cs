namespace Netfence.Bpf.Btf;

/// <summary>Constants of the BTF binary format.</summary>
public static class BtfHeader
{
    /// <summary>The magic number at the start of .BTF and .BTF.ext.</summary>
    public const ushort Magic = 0xeB9F;

    /// <summary>The only format version.</summary>
    public const byte Version = 1;

    /// <summary>Size of the .BTF header this writer emits.</summary>
    public const int Size = 24;

    /// <summary>Size of a <c>struct btf_type</c> without its kind-specific tail.</summary>
    public const int TypeSize = 12;

    /// <summary>The largest vlen the 16-bit field holds.</summary>
    public const int MaxVlen = 0xffff;
}

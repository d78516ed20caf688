namespace Netfence.Bpf.Sdk;

/// <summary>
/// The size of a kernel context struct and, for packet contexts, where the data and data_end pointers are, so
/// the compiler can emit the bounds check of <see cref="SkBuff.TryRead{T}"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, Inherited = false)]
public sealed class ContextLayoutAttribute(int size) : Attribute
{
    /// <summary>Size of the kernel struct in bytes (also the ctx_in size of BPF_PROG_TEST_RUN).</summary>
    public int Size { get; } = size;

    /// <summary>Offset of the u32 data pointer field, or -1 when the context has no packet.</summary>
    public int DataOffset { get; init; } = -1;

    /// <summary>Offset of the u32 data_end pointer field, or -1 when the context has no packet.</summary>
    public int DataEndOffset { get; init; } = -1;
}

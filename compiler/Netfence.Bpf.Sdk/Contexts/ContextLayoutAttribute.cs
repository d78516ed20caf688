namespace Netfence.Bpf.Sdk;

/// <summary>
/// The kernel context struct's name and size and, for packet contexts, where the data and data_end pointers are, so
/// the compiler can emit the bounds check of <see cref="SkBuff.TryRead{T}"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, Inherited = false)]
public sealed class ContextLayoutAttribute(string structName, int size) : Attribute
{
    /// <summary>
    /// The kernel's name of the struct (<c>__sk_buff</c>, <c>bpf_sock_addr</c>). A program's BTF declares its context
    /// argument as a pointer to a struct of this name: the verifier (6.1's, for one) recognises
    /// the context argument by that name and logs any other type as unsupported, which for a global function taking
    /// the context is a rejection.
    /// </summary>
    public string StructName { get; } = structName;

    /// <summary>Size of the kernel struct in bytes (also the ctx_in size of BPF_PROG_TEST_RUN).</summary>
    public int Size { get; } = size;

    /// <summary>Offset of the u32 data pointer field, or -1 when the context has no packet.</summary>
    public int DataOffset { get; init; } = -1;

    /// <summary>Offset of the u32 data_end pointer field, or -1 when the context has no packet.</summary>
    public int DataEndOffset { get; init; } = -1;
}

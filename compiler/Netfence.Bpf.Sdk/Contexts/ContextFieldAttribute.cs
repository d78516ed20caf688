namespace Netfence.Bpf.Sdk;

/// <summary>
/// The kernel context field behind a context property or accessor: the compiler lowers a read to a load of
/// <see cref="Size"/> bytes at <see cref="Offset"/> from r1 and a write to a 4-byte store, and the managed
/// implementation reads the same bytes. For array fields (<see cref="Count"/> &gt; 1) the accessor takes a
/// constant index and the element offset is <c>Offset + index * Size</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Method, Inherited = false)]
public sealed class ContextFieldAttribute(int offset, int size, bool writable) : Attribute
{
    /// <summary>Byte offset in the kernel context struct.</summary>
    public int Offset { get; } = offset;

    /// <summary>Width of one element in bytes.</summary>
    public int Size { get; } = size;

    /// <summary>Whether programs may store to the field (always with a 4-byte store).</summary>
    public bool Writable { get; } = writable;

    /// <summary>Number of elements: 1 for scalars, 4 for IPv6 address words, 5 for cb.</summary>
    public int Count { get; init; } = 1;
}

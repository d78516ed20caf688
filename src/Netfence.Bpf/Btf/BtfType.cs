namespace Netfence.Bpf.Btf;

/// <summary>
/// One BTF type. Types refer to each other by type id (an index into <see cref="BtfSpec"/>,
/// where 0 is void), exactly as the binary format does, so a parsed object writes back
/// byte-for-byte and a compiler can emit forward references before defining the target.
/// </summary>
public abstract record BtfType(string Name)
{
    /// <summary>The kind this type encodes as.</summary>
    public abstract BtfKind Kind { get; }
}

namespace Netfence.Bpf.Btf;

/// <summary>An array of <paramref name="Count"/> elements of <paramref name="ElementType"/>.</summary>
public sealed record BtfArray(uint ElementType, uint IndexType, uint Count) : BtfType("")
{
    public override BtfKind Kind => BtfKind.Array;
}

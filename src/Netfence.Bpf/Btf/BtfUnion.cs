namespace Netfence.Bpf.Btf;

/// <summary>A union.</summary>
public sealed record BtfUnion(string Name, uint Size, IReadOnlyList<BtfMember> Members) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Union;
}

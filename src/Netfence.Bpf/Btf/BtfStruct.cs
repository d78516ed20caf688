namespace Netfence.Bpf.Btf;

/// <summary>A struct.</summary>
public sealed record BtfStruct(string Name, uint Size, IReadOnlyList<BtfMember> Members) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Struct;
}

namespace Netfence.Bpf.Btf;

/// <summary>A declaration tag on <paramref name="Type"/> (or on its member/parameter <paramref name="ComponentIndex"/>; -1 for the type itself).</summary>
public sealed record BtfDeclTag(string Name, uint Type, int ComponentIndex) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.DeclTag;
}

namespace Netfence.Bpf.Btf;

/// <summary>A type tag (<c>__attribute__((btf_type_tag))</c>) on <paramref name="Type"/>.</summary>
public sealed record BtfTypeTag(string Name, uint Type) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.TypeTag;
}

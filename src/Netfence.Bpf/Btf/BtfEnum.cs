namespace Netfence.Bpf.Btf;

/// <summary>An enum with 32-bit values (values outside the 32-bit range need <see cref="BtfEnum64"/>).</summary>
public sealed record BtfEnum(string Name, uint Size, bool Signed, IReadOnlyList<BtfEnumValue> Values) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Enum;
}

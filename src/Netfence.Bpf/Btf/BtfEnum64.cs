namespace Netfence.Bpf.Btf;

/// <summary>An enum with 64-bit values.</summary>
public sealed record BtfEnum64(string Name, uint Size, bool Signed, IReadOnlyList<BtfEnumValue> Values) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Enum64;
}

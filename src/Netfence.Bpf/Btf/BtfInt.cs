namespace Netfence.Bpf.Btf;

/// <summary>An integer type: <paramref name="Size"/> bytes, <paramref name="Bits"/> of them used starting at <paramref name="BitOffset"/>.</summary>
public sealed record BtfInt(string Name, uint Size, BtfIntEncoding Encoding, byte BitOffset, byte Bits) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Int;
}

namespace Netfence.Bpf.Btf;

/// <summary><c>restrict</c> <paramref name="Type"/>.</summary>
public sealed record BtfRestrict(uint Type) : BtfType("")
{
    public override BtfKind Kind => BtfKind.Restrict;
}

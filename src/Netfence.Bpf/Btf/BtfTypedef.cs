namespace Netfence.Bpf.Btf;

/// <summary>A typedef of <paramref name="Type"/>.</summary>
public sealed record BtfTypedef(string Name, uint Type) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Typedef;
}

namespace Netfence.Bpf.Btf;

/// <summary><c>const</c> <paramref name="Type"/>.</summary>
public sealed record BtfConst(uint Type) : BtfType("")
{
    public override BtfKind Kind => BtfKind.Const;
}

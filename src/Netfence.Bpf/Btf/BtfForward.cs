namespace Netfence.Bpf.Btf;

/// <summary>A forward declaration of a struct (or union when <paramref name="IsUnion"/>).</summary>
public sealed record BtfForward(string Name, bool IsUnion) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Forward;
}

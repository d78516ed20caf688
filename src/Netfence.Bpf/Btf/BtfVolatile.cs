namespace Netfence.Bpf.Btf;

/// <summary><c>volatile</c> <paramref name="Type"/>.</summary>
public sealed record BtfVolatile(uint Type) : BtfType("")
{
    public override BtfKind Kind => BtfKind.Volatile;
}

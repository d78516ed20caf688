namespace Netfence.Bpf.Btf;

/// <summary>A pointer to <paramref name="Type"/>.</summary>
public sealed record BtfPointer(uint Type) : BtfType("")
{
    public override BtfKind Kind => BtfKind.Pointer;
}

namespace Netfence.Bpf.Btf;

/// <summary>A function: its name and its <see cref="BtfFuncProto"/> (<paramref name="Type"/>).</summary>
public sealed record BtfFunc(string Name, uint Type, BtfLinkage Linkage) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Func;
}

namespace Netfence.Bpf.Btf;

/// <summary>A global or static variable (the members of a <see cref="BtfDatasec"/>).</summary>
public sealed record BtfVar(string Name, uint Type, BtfLinkage Linkage) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Var;
}

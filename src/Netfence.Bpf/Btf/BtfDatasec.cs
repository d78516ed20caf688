namespace Netfence.Bpf.Btf;

/// <summary>A data section (<c>.data</c>, <c>.rodata</c>, <c>.bss</c>, <c>.maps</c>) and the variables in it.</summary>
public sealed record BtfDatasec(string Name, uint Size, IReadOnlyList<BtfVarSecInfo> Variables) : BtfType(Name)
{
    public override BtfKind Kind => BtfKind.Datasec;
}

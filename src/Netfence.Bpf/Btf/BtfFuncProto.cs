namespace Netfence.Bpf.Btf;

/// <summary>A function prototype (return type and parameters).</summary>
public sealed record BtfFuncProto(uint ReturnType, IReadOnlyList<BtfParameter> Parameters) : BtfType("")
{
    public override BtfKind Kind => BtfKind.FuncProto;
}

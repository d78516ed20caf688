namespace Netfence.Bpf.Btf;

/// <summary>The contents of a .BTF.ext section: func_info and line_info per ELF section name.</summary>
public sealed class BtfExtInfo
{
    /// <summary>func_info records by section name, in instruction order.</summary>
    public Dictionary<string, List<BtfFuncInfo>> FuncInfo { get; } = new(StringComparer.Ordinal);

    /// <summary>line_info records by section name, in instruction order.</summary>
    public Dictionary<string, List<BtfLineInfo>> LineInfo { get; } = new(StringComparer.Ordinal);

    /// <summary>Bytes of CO-RE relocation records, which this loader does not apply (0 when absent).</summary>
    public int CoreRelocationBytes { get; set; }
}

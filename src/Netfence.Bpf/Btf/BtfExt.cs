namespace Netfence.Bpf.Btf;

/// <summary>
/// A function's BTF at an instruction: <paramref name="InstructionOffset"/> is in bytes within
/// the ELF section (as in .BTF.ext), or in instruction slots once relocated for the kernel.
/// </summary>
public sealed record BtfFuncInfo(uint InstructionOffset, uint TypeId);

/// <summary>
/// A source position at an instruction. <see cref="Line"/> and <see cref="Column"/> are packed
/// into the kernel's <c>line_col</c> (line in the upper 22 bits, column in the lower 10).
/// </summary>
public sealed record BtfLineInfo(uint InstructionOffset, string FileName, string LineText, uint Line, uint Column)
{
    /// <summary>Largest column the 10-bit field holds.</summary>
    public const uint MaxColumn = 0x3ff;

    /// <summary>Largest line number the 22-bit field holds.</summary>
    public const uint MaxLine = 0x3fffff;

    /// <summary>Packs line and column as <c>BPF_LINE_INFO_LINE_NUM</c>/<c>LINE_COL</c> read them.</summary>
    public static uint PackLineCol(uint line, uint column)
    {
        if (line > MaxLine) throw new ArgumentOutOfRangeException(nameof(line), line, $"BTF line numbers hold at most {MaxLine}");
        // Columns past 1023 are clamped rather than rejected: the kernel only prints them.
        return (line << 10) | Math.Min(column, MaxColumn);
    }

    /// <summary>Splits a packed <c>line_col</c>.</summary>
    public static (uint Line, uint Column) UnpackLineCol(uint lineCol) => (lineCol >> 10, lineCol & MaxColumn);
}

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

namespace Netfence.Bpf.Btf;

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

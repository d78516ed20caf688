namespace Netfence.Bpf.Btf;

/// <summary>Parses a .BTF.ext blob (func_info and line_info subsections) against its .BTF string table.</summary>
public static class BtfExtReader
{
    const string Section = ".BTF.ext";
    const int MinHeader = 24;

    /// <summary>Parses <paramref name="ext"/>; strings resolve through the .BTF blob's <paramref name="strings"/>.</summary>
    public static BtfExtInfo Read(byte[] ext, BtfStringTable strings)
    {
        ArgumentNullException.ThrowIfNull(ext);
        ArgumentNullException.ThrowIfNull(strings);
        var h = new BtfCursor(ext, Section, 0, ext.Length);
        var magic = h.U16("header magic");
        if (magic != BtfHeader.Magic) throw h.Error($"bad magic 0x{magic:x4} (expected 0x{BtfHeader.Magic:x4})", 0);
        var version = h.U8("header version");
        if (version != BtfHeader.Version) throw h.Error($"unsupported version {version}", 2);
        h.U8("header flags");
        var hdrLen = h.U32("header length");
        if (hdrLen < MinHeader || hdrLen > ext.Length) throw h.Error($"header length {hdrLen} is outside {MinHeader}..{ext.Length}", 4);
        var funcOff = h.U32("func_info_off");
        var funcLen = h.U32("func_info_len");
        var lineOff = h.U32("line_info_off");
        var lineLen = h.U32("line_info_len");
        var result = new BtfExtInfo();
        if (hdrLen >= 32)
        {
            h.U32("core_relo_off");
            result.CoreRelocationBytes = (int)h.U32("core_relo_len");
        }

        ReadSubsection(ext, hdrLen, funcOff, funcLen, "func_info", 8, strings, (c, sec) =>
        {
            var list = Get(result.FuncInfo, sec);
            return (recStart, recSize) =>
            {
                list.Add(new BtfFuncInfo(c.U32("func_info insn_off"), c.U32("func_info type_id")));
                c.Position = recStart + recSize;
            };
        });
        ReadSubsection(ext, hdrLen, lineOff, lineLen, "line_info", 16, strings, (c, sec) =>
        {
            var list = Get(result.LineInfo, sec);
            return (recStart, recSize) =>
            {
                var insnOff = c.U32("line_info insn_off");
                var fileOff = c.U32("line_info file_name_off");
                var lineTextOff = c.U32("line_info line_off");
                var (line, col) = BtfLineInfo.UnpackLineCol(c.U32("line_info line_col"));
                list.Add(new BtfLineInfo(insnOff, strings.Get(fileOff, Section, recStart + 4), strings.Get(lineTextOff, Section, recStart + 8), line, col));
                c.Position = recStart + recSize;
            };
        });
        return result;
    }

    static List<T> Get<T>(Dictionary<string, List<T>> d, string key)
    {
        if (!d.TryGetValue(key, out var list)) d[key] = list = [];
        return list;
    }

    static void ReadSubsection(byte[] ext, uint hdrLen, uint off, uint len, string what, int minRecord, BtfStringTable strings,
        Func<BtfCursor, string, Action<int, int>> perSection)
    {
        if (len == 0) return;
        long start = hdrLen + (long)off, end = start + len;
        if (end > ext.Length)
            throw new BtfFormatException(Section, hdrLen, $"{what} subsection [{start}, {end}) runs past the end of the {ext.Length}-byte blob");
        var c = new BtfCursor(ext, Section, (int)start, (int)end);
        var recSize = c.U32($"{what} record size");
        if (recSize < minRecord || recSize % 4 != 0)
            throw c.Error($"{what} record size {recSize} is invalid (at least {minRecord}, a multiple of 4)", start);
        while (!c.AtEnd)
        {
            int secAt = c.Position;
            var secName = strings.Get(c.U32($"{what} sec_name_off"), Section, secAt);
            var count = c.U32($"{what} num_info");
            if ((long)count * recSize > c.End - c.Position)
                throw c.Error($"{what} for section '{secName}' claims {count} records of {recSize} bytes, more than the {c.End - c.Position} bytes left", secAt + 4);
            var readRecord = perSection(c, secName);
            for (uint i = 0; i < count; i++) readRecord(c.Position, (int)recSize);
        }
    }
}

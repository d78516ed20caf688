using System.Buffers.Binary;

namespace Netfence.Bpf.Btf;

/// <summary>Produces .BTF.ext bytes; its strings go into the string table of the matching .BTF.</summary>
public static class BtfExtWriter
{
    const int HeaderSize = 32;

    /// <summary>
    /// Writes <paramref name="ext"/>, adding section names, file names and source lines to
    /// <paramref name="strings"/>. Write the .BTF with the same table afterwards.
    /// </summary>
    public static byte[] Write(BtfExtInfo ext, BtfStringTable strings)
    {
        ArgumentNullException.ThrowIfNull(ext);
        ArgumentNullException.ThrowIfNull(strings);
        var func = Subsection(ext.FuncInfo, 8, strings, (r, w) =>
        {
            w(r.InstructionOffset); w(r.TypeId);
        });
        var line = Subsection(ext.LineInfo, 16, strings, (r, w) =>
        {
            w(r.InstructionOffset); w(strings.Add(r.FileName)); w(strings.Add(r.LineText)); w(BtfLineInfo.PackLineCol(r.Line, r.Column));
        });
        var result = new byte[HeaderSize + func.Length + line.Length];
        var h = result.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(h, BtfHeader.Magic);
        h[2] = BtfHeader.Version;
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)func.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)func.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)line.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)(func.Length + line.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], 0);
        func.CopyTo(result, HeaderSize);
        line.CopyTo(result, HeaderSize + func.Length);
        return result;
    }

    static byte[] Subsection<T>(Dictionary<string, List<T>> bySection, uint recordSize, BtfStringTable strings, Action<T, Action<uint>> record)
    {
        if (bySection.Count == 0 || bySection.Values.All(l => l.Count == 0)) return [];
        var ms = new MemoryStream();
        var buf = new byte[4];
        void W(uint v)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buf, v);
            ms.Write(buf);
        }
        W(recordSize);
        foreach (var (section, records) in bySection)
        {
            if (records.Count == 0) continue;
            W(strings.Add(section));
            W((uint)records.Count);
            foreach (var r in records) record(r, W);
        }
        return ms.ToArray();
    }
}

using System.Text;

namespace Netfence.Bpf.Btf;

/// <summary>
/// The BTF string section: NUL-terminated strings addressed by byte offset, with offset 0 the
/// empty string. Used both for reading (offset to string) and writing (interning, so equal
/// strings share one offset, as the kernel and pahole expect).
/// </summary>
public sealed class BtfStringTable
{
    readonly byte[] _bytes;
    readonly MemoryStream? _builder;
    readonly Dictionary<string, uint>? _offsets;

    /// <summary>A new, empty table for writing.</summary>
    public BtfStringTable()
    {
        _bytes = [];
        _builder = new MemoryStream();
        _builder.WriteByte(0);
        _offsets = new Dictionary<string, uint>(StringComparer.Ordinal) { [""] = 0 };
    }

    BtfStringTable(byte[] bytes) => _bytes = bytes;

    /// <summary>Wraps a string section read from a .BTF blob (validated: must start and end with NUL).</summary>
    internal static BtfStringTable FromBytes(byte[] bytes, long sectionOffset)
    {
        if (bytes.Length == 0 || bytes[0] != 0)
            throw new BtfFormatException(".BTF", sectionOffset, "the string section must start with a NUL byte (offset 0 is the empty string)");
        if (bytes[^1] != 0)
            throw new BtfFormatException(".BTF", sectionOffset + bytes.Length - 1, "the string section does not end with a NUL byte");
        return new BtfStringTable(bytes);
    }

    /// <summary>The string at <paramref name="offset"/>, or a <see cref="BtfFormatException"/> naming <paramref name="where"/>.</summary>
    public string Get(uint offset, string section, long where)
    {
        if (_builder is not null) throw new InvalidOperationException("this string table is being written; it cannot be read by offset");
        if (offset >= _bytes.Length)
            throw new BtfFormatException(section, where, $"string offset {offset} is past the end of the {_bytes.Length}-byte string section");
        int end = Array.IndexOf(_bytes, (byte)0, (int)offset);
        return Encoding.UTF8.GetString(_bytes, (int)offset, end - (int)offset);
    }

    /// <summary>Adds <paramref name="value"/> (once) and returns its offset.</summary>
    public uint Add(string value)
    {
        if (_builder is null || _offsets is null) throw new InvalidOperationException("this string table was read from bytes; it cannot be added to");
        if (value.Contains('\0')) throw new ArgumentException($"BTF strings cannot contain NUL: '{value.Replace("\0", "\\0")}'", nameof(value));
        if (_offsets.TryGetValue(value, out var existing)) return existing;
        var offset = (uint)_builder.Length;
        _builder.Write(Encoding.UTF8.GetBytes(value));
        _builder.WriteByte(0);
        _offsets[value] = offset;
        return offset;
    }

    /// <summary>The table's bytes.</summary>
    public byte[] ToArray() => _builder?.ToArray() ?? (byte[])_bytes.Clone();

    /// <summary>Length of the table in bytes.</summary>
    public int Length => _builder is not null ? (int)_builder.Length : _bytes.Length;
}

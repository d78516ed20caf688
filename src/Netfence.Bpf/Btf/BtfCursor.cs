using System.Buffers.Binary;

namespace Netfence.Bpf.Btf;

/// <summary>
/// A little-endian reader over a BTF blob that checks every read against the end of its window,
/// so truncated input becomes a <see cref="BtfFormatException"/> naming the offset instead of an
/// IndexOutOfRangeException.
/// </summary>
internal sealed class BtfCursor(byte[] data, string section, int start, int end)
{
    public int Position { get; set; } = start;
    public int End { get; } = end;
    public bool AtEnd => Position >= End;
    public string Section => section;

    public BtfFormatException Error(string problem, long? at = null) => new(section, at ?? Position, problem);

    void Need(int bytes, string what)
    {
        if (Position + bytes > End)
            throw Error($"truncated {what}: needs {bytes} bytes but only {Math.Max(0, End - Position)} remain");
    }

    public uint U32(string what)
    {
        Need(4, what);
        var v = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(Position));
        Position += 4;
        return v;
    }

    public ushort U16(string what)
    {
        Need(2, what);
        var v = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(Position));
        Position += 2;
        return v;
    }

    public byte U8(string what)
    {
        Need(1, what);
        return data[Position++];
    }

    public void Skip(int bytes, string what)
    {
        Need(bytes, what);
        Position += bytes;
    }
}

using System.Buffers.Binary;

namespace Netfence.Bpf.Compiler.DiffTests.Inputs;

/// <summary>
/// One input of an operand program: <see cref="WidthBytes"/> little-endian bytes at <see cref="Offset"/>. Besides
/// the edge values of its width, a field can take chosen values (shift counts, switch cases, map keys).
/// </summary>
public sealed record InputField(int Offset, int WidthBytes, IReadOnlyList<long> Chosen)
{
    /// <summary>A 1-, 2-, 4- or 8-byte field.</summary>
    public static InputField At(int offset, int widthBytes) => new(offset, widthBytes, []);

    /// <summary>A field that also takes every value from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static InputField Sweep(int offset, int widthBytes, long from, long to) =>
        new(offset, widthBytes, Enumerable.Range(0, checked((int)(to - from + 1))).Select(i => from + i).ToArray());

    /// <summary>A field that also takes <paramref name="values"/>.</summary>
    public static InputField With(int offset, int widthBytes, params long[] values) => new(offset, widthBytes, values);

    /// <summary>Stores <paramref name="value"/>, truncated to the width, into the packet.</summary>
    public void Write(Span<byte> packet, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        bytes[..WidthBytes].CopyTo(packet[Offset..]);
    }
}

using System.Runtime.InteropServices;

namespace Netfence.Bpf.Sdk;

// Host-order access to a context image: the kernel's context structs are host-endian u32 fields, and test
// runs pass exactly these bytes as ctx_in, so the managed side reads them the same way.
internal static class ContextBytes
{
    public static uint Read(ReadOnlySpan<byte> context, int offset) => MemoryMarshal.Read<uint>(context[offset..]);

    public static void Write(Span<byte> context, int offset, uint value) => MemoryMarshal.Write(context[offset..], in value);

    public static int Element(int offset, int index, int count)
    {
        // The kernel only accepts constant in-range offsets (the analyzer enforces it), so an out-of-range index
        // can only come from managed code that the compiler would refuse.
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        return offset + index * 4;
    }
}

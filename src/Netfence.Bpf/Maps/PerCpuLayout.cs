using System.Runtime.InteropServices;

namespace Netfence.Bpf.Maps;

/// <summary>
/// How the kernel lays out a per-CPU value in a user buffer: one slot per possible CPU, each
/// slot the value rounded up to 8 bytes (the kernel copies with <c>round_up(value_size, 8)</c>).
/// </summary>
public static class PerCpuLayout
{
    /// <summary>Bytes between one CPU's value and the next.</summary>
    public static int Stride(int valueSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(valueSize);
        return (valueSize + 7) & ~7;
    }

    /// <summary>The buffer size for one key's values on <paramref name="cpus"/> CPUs.</summary>
    public static int BufferSize(int valueSize, int cpus)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cpus);
        return checked(Stride(valueSize) * cpus);
    }

    /// <summary>Reads each CPU's value out of a kernel buffer.</summary>
    public static T[] Split<T>(ReadOnlySpan<byte> buffer, int cpus) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), stride = Stride(size);
        if (buffer.Length != BufferSize(size, cpus))
            throw new ArgumentException($"a per-CPU buffer for {cpus} CPUs of {size}-byte values is {BufferSize(size, cpus)} bytes, got {buffer.Length}", nameof(buffer));
        var values = new T[cpus];
        for (int cpu = 0; cpu < cpus; cpu++)
            values[cpu] = MemoryMarshal.Read<T>(buffer.Slice(cpu * stride, size));
        return values;
    }

    /// <summary>Writes one value per CPU into a kernel buffer, zeroing the padding.</summary>
    public static void Join<T>(ReadOnlySpan<T> values, Span<byte> buffer) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), stride = Stride(size);
        if (buffer.Length != BufferSize(size, values.Length))
            throw new ArgumentException($"a per-CPU buffer for {values.Length} CPUs of {size}-byte values is {BufferSize(size, values.Length)} bytes, got {buffer.Length}", nameof(buffer));
        buffer.Clear();
        for (int cpu = 0; cpu < values.Length; cpu++)
        {
            var value = values[cpu];
            MemoryMarshal.Write(buffer.Slice(cpu * stride, size), in value);
        }
    }
}

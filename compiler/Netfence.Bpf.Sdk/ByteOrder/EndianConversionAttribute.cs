namespace Netfence.Bpf.Sdk;

/// <summary>
/// Marks a byte-order helper: the compiler lowers it to one BPF END instruction converting between host order
/// (little-endian on every target we load on) and big-endian, of <see cref="Bits"/> width.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class EndianConversionAttribute(int bits) : Attribute
{
    /// <summary>16, 32 or 64.</summary>
    public int Bits { get; } = bits;
}

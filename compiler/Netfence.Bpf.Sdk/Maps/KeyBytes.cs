using System.Runtime.InteropServices;

namespace Netfence.Bpf.Sdk;

// Keys compared as the kernel compares them: byte for byte over the whole key, padding included.
internal static class KeyBytes
{
    public static byte[] Of<T>(in T key) where T : unmanaged =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in key)).ToArray();

    public static readonly IEqualityComparer<byte[]> Comparer = new ByteArrayComparer();

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}

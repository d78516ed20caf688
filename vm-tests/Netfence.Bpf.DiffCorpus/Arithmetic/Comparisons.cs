using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.Arithmetic;

/// <summary>
/// Every comparison operator, signed and unsigned, at every width. Each program returns one bit per comparison so a
/// wrong signedness or an inverted condition shows as a different bit.
/// </summary>
public static class Comparisons
{
    /// <summary>Inputs: int a @0, int b @4.</summary>
    [Program(Hook.TcIngress)]
    public static int CmpSigned32(SkBuff skb)
    {
        if (!skb.TryRead(In, out int a) || !skb.TryRead(In + 4, out int b))
            return -1;
        int bits = 0;
        if (a < b) bits |= 1;
        if (a <= b) bits |= 2;
        if (a > b) bits |= 4;
        if (a >= b) bits |= 8;
        if (a == b) bits |= 16;
        if (a != b) bits |= 32;
        if (a < 0) bits |= 64;
        if (a > -5) bits |= 128;
        if (a == int.MinValue) bits |= 256;
        if (b <= int.MaxValue - 1) bits |= 512;
        if (0 < a) bits |= 1024;
        return bits;
    }

    /// <summary>Inputs: uint a @0, uint b @4.</summary>
    [Program(Hook.TcIngress)]
    public static int CmpUnsigned32(SkBuff skb)
    {
        if (!skb.TryRead(In, out uint a) || !skb.TryRead(In + 4, out uint b))
            return -1;
        int bits = 0;
        if (a < b) bits |= 1;
        if (a <= b) bits |= 2;
        if (a > b) bits |= 4;
        if (a >= b) bits |= 8;
        if (a == b) bits |= 16;
        if (a != b) bits |= 32;
        if (a > 0x7FFF_FFFFu) bits |= 64;
        if (a < 5) bits |= 128;
        if (b >= 0x8000_0000u) bits |= 256;
        if (a == uint.MaxValue) bits |= 512;
        return bits;
    }

    /// <summary>Inputs: long a @0, long b @8.</summary>
    [Program(Hook.TcIngress)]
    public static int CmpSigned64(SkBuff skb)
    {
        if (!skb.TryRead(In, out long a) || !skb.TryRead(In + 8, out long b))
            return -1;
        int bits = 0;
        if (a < b) bits |= 1;
        if (a <= b) bits |= 2;
        if (a > b) bits |= 4;
        if (a >= b) bits |= 8;
        if (a == b) bits |= 16;
        if (a != b) bits |= 32;
        if (a < 0) bits |= 64;
        if (a > -0x1_0000_0000L) bits |= 128;
        if (a == long.MinValue) bits |= 256;
        if (b < 0x1_0000_0000L) bits |= 512;
        if (b >= int.MinValue) bits |= 1024;
        return bits;
    }

    /// <summary>Inputs: ulong a @0, ulong b @8.</summary>
    [Program(Hook.TcIngress)]
    public static int CmpUnsigned64(SkBuff skb)
    {
        if (!skb.TryRead(In, out ulong a) || !skb.TryRead(In + 8, out ulong b))
            return -1;
        int bits = 0;
        if (a < b) bits |= 1;
        if (a <= b) bits |= 2;
        if (a > b) bits |= 4;
        if (a >= b) bits |= 8;
        if (a == b) bits |= 16;
        if (a != b) bits |= 32;
        if (a > 0x7FFF_FFFF_FFFF_FFFFUL) bits |= 64;
        if (a < 0x1_0000_0000UL) bits |= 128;
        if (b > 0xFFFF_FFFFUL) bits |= 256;
        if (a == ulong.MaxValue) bits |= 512;
        return bits;
    }

    /// <summary>
    /// Inputs: sbyte a @0, byte b @1, short c @2, ushort d @4, int e @8, uint f @12: small types compare as int,
    /// int against uint compares as long.
    /// </summary>
    [Program(Hook.TcIngress)]
    public static int CmpMixed(SkBuff skb)
    {
        if (!skb.TryRead(In, out sbyte a) || !skb.TryRead(In + 1, out byte b) || !skb.TryRead(In + 2, out short c) ||
            !skb.TryRead(In + 4, out ushort d) || !skb.TryRead(In + 8, out int e) || !skb.TryRead(In + 12, out uint f))
            return -1;
        int bits = 0;
        if (a < b) bits |= 1;
        if (c < d) bits |= 2;
        if (a > c) bits |= 4;
        if (b >= d) bits |= 8;
        if (e < f) bits |= 16;
        if (e >= f) bits |= 32;
        if (a == -1) bits |= 64;
        if (b == 255) bits |= 128;
        if (c <= -32768) bits |= 256;
        if (d > 32767) bits |= 512;
        if ((uint)e < f) bits |= 1024;
        if (e < (int)f) bits |= 2048;
        return bits;
    }
}

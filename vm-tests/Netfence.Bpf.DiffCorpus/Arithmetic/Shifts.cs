using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.Arithmetic;

/// <summary>
/// Shifts by every count, including counts at or beyond the width and negative counts: C# masks the count to the
/// width of the promoted left operand (31 for 32-bit and smaller, 63 for 64-bit), which the compiler must reproduce.
/// </summary>
public static class Shifts
{
    /// <summary>Inputs: int a @0, uint b @4, int n @8.</summary>
    [Program(Hook.TcIngress)]
    public static int Shift32(SkBuff skb)
    {
        if (!skb.TryRead(In, out int a) || !skb.TryRead(In + 4, out uint b) || !skb.TryRead(In + 8, out int n))
            return -1;
        skb.TryWrite(Out, a << n);
        skb.TryWrite(Out + 4, a >> n);
        skb.TryWrite(Out + 8, a >>> n);
        skb.TryWrite(Out + 12, b << n);
        skb.TryWrite(Out + 16, b >> n);
        int c = a;
        c <<= n & 7;
        c >>= 3;
        skb.TryWrite(Out + 20, c);
        return a >> (n + 1);
    }

    /// <summary>Inputs: long a @0, ulong b @8, int n @16.</summary>
    [Program(Hook.TcIngress)]
    public static int Shift64(SkBuff skb)
    {
        if (!skb.TryRead(In, out long a) || !skb.TryRead(In + 8, out ulong b) || !skb.TryRead(In + 16, out int n))
            return -1;
        skb.TryWrite(Out, a << n);
        skb.TryWrite(Out + 8, a >> n);
        skb.TryWrite(Out + 16, a >>> n);
        skb.TryWrite(Out + 24, b << n);
        skb.TryWrite(Out + 32, b >> n);
        ulong c = b;
        c >>= n - 1;
        skb.TryWrite(Out + 40, c);
        return (int)(b >> n);
    }

    /// <summary>Inputs: short a @0, ushort b @2, sbyte c @4, byte d @5, int n @8: small types shift as int.</summary>
    [Program(Hook.TcIngress)]
    public static int ShiftSmall(SkBuff skb)
    {
        if (!skb.TryRead(In, out short a) || !skb.TryRead(In + 2, out ushort b) || !skb.TryRead(In + 4, out sbyte c) ||
            !skb.TryRead(In + 5, out byte d) || !skb.TryRead(In + 8, out int n))
            return -1;
        skb.TryWrite(Out, a << n);
        skb.TryWrite(Out + 4, (short)(a << n));
        skb.TryWrite(Out + 6, (short)(a >> n));
        skb.TryWrite(Out + 8, b >> n);
        skb.TryWrite(Out + 12, (ushort)(b << n));
        skb.TryWrite(Out + 14, (sbyte)(c >> n));
        skb.TryWrite(Out + 16, c << n);
        skb.TryWrite(Out + 20, (byte)(d << n));
        skb.TryWrite(Out + 24, d >>> n);
        return c >> n;
    }

    /// <summary>Inputs: int a @0, long b @8: shifts by constants, including ones C# masks at compile time.</summary>
    [Program(Hook.TcIngress)]
    public static int ShiftConst(SkBuff skb)
    {
        if (!skb.TryRead(In, out int a) || !skb.TryRead(In + 8, out long b))
            return -1;
        skb.TryWrite(Out, a << 31);
        skb.TryWrite(Out + 4, a >> 31);
        skb.TryWrite(Out + 8, (uint)a >> 31);
        skb.TryWrite(Out + 12, a << 0);
        skb.TryWrite(Out + 16, b << 63);
        skb.TryWrite(Out + 24, b >> 63);
        skb.TryWrite(Out + 32, (ulong)b >> 63);
        skb.TryWrite(Out + 40, b >> 32);
        skb.TryWrite(Out + 48, (ulong)b << 1 >> 1);
        skb.TryWrite(Out + 56, (a << 16) >> 24);
        return a >> 16;
    }
}

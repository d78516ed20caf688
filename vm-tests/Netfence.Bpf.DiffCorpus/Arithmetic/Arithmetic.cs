using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.Arithmetic;

/// <summary>Add, subtract, multiply, negate and complement at every width, wrapping as C# does (unchecked).</summary>
public static class Arithmetic
{
    /// <summary>Inputs: sbyte a @0, sbyte b @1, byte c @2, byte d @3.</summary>
    [Program(Hook.TcIngress)]
    public static int Arith8(SkBuff skb)
    {
        if (!skb.TryRead(In, out sbyte a) || !skb.TryRead(In + 1, out sbyte b) ||
            !skb.TryRead(In + 2, out byte c) || !skb.TryRead(In + 3, out byte d))
            return -1;
        skb.TryWrite(Out, (sbyte)(a + b));
        skb.TryWrite(Out + 1, (sbyte)(a - b));
        skb.TryWrite(Out + 2, (sbyte)(a * b));
        skb.TryWrite(Out + 3, (byte)(c + d));
        skb.TryWrite(Out + 4, (byte)(c - d));
        skb.TryWrite(Out + 5, (byte)(c * d));
        skb.TryWrite(Out + 6, (sbyte)-a);
        skb.TryWrite(Out + 7, (byte)~c);
        skb.TryWrite(Out + 8, a + b);
        skb.TryWrite(Out + 12, c * d);
        skb.TryWrite(Out + 16, a * c - b * d);
        sbyte e = a;
        e++;
        byte f = c;
        f--;
        e += b;
        f *= d;
        skb.TryWrite(Out + 20, e);
        skb.TryWrite(Out + 21, f);
        return a * b + c;
    }

    /// <summary>Inputs: short a @0, short b @2, ushort c @4, ushort d @6.</summary>
    [Program(Hook.TcIngress)]
    public static int Arith16(SkBuff skb)
    {
        if (!skb.TryRead(In, out short a) || !skb.TryRead(In + 2, out short b) ||
            !skb.TryRead(In + 4, out ushort c) || !skb.TryRead(In + 6, out ushort d))
            return -1;
        skb.TryWrite(Out, (short)(a + b));
        skb.TryWrite(Out + 2, (short)(a - b));
        skb.TryWrite(Out + 4, (short)(a * b));
        skb.TryWrite(Out + 6, (ushort)(c + d));
        skb.TryWrite(Out + 8, (ushort)(c - d));
        skb.TryWrite(Out + 10, (ushort)(c * d));
        skb.TryWrite(Out + 12, (short)-a);
        skb.TryWrite(Out + 14, (ushort)~c);
        skb.TryWrite(Out + 16, a * b);
        skb.TryWrite(Out + 20, c * d);
        skb.TryWrite(Out + 24, (long)a * c);
        short e = a;
        e -= b;
        e++;
        ushort f = c;
        f += d;
        f <<= 1;
        skb.TryWrite(Out + 32, e);
        skb.TryWrite(Out + 34, f);
        return (short)(a * b);
    }

    /// <summary>Inputs: int a @0, int b @4, uint c @8, uint d @12.</summary>
    [Program(Hook.TcIngress)]
    public static int Arith32(SkBuff skb)
    {
        if (!skb.TryRead(In, out int a) || !skb.TryRead(In + 4, out int b) ||
            !skb.TryRead(In + 8, out uint c) || !skb.TryRead(In + 12, out uint d))
            return -1;
        skb.TryWrite(Out, a + b);
        skb.TryWrite(Out + 4, a - b);
        skb.TryWrite(Out + 8, a * b);
        skb.TryWrite(Out + 12, c + d);
        skb.TryWrite(Out + 16, c - d);
        skb.TryWrite(Out + 20, c * d);
        skb.TryWrite(Out + 24, -a);
        skb.TryWrite(Out + 28, ~c);
        skb.TryWrite(Out + 32, (long)a * b);
        skb.TryWrite(Out + 40, (ulong)c * d);
        skb.TryWrite(Out + 48, a + c);
        int e = a;
        e *= 3;
        e -= b;
        uint f = c;
        f++;
        f ^= d;
        skb.TryWrite(Out + 56, e);
        skb.TryWrite(Out + 60, f);
        return a - b;
    }

    /// <summary>Inputs: long a @0, long b @8, ulong c @16, ulong d @24.</summary>
    [Program(Hook.TcIngress)]
    public static int Arith64(SkBuff skb)
    {
        if (!skb.TryRead(In, out long a) || !skb.TryRead(In + 8, out long b) ||
            !skb.TryRead(In + 16, out ulong c) || !skb.TryRead(In + 24, out ulong d))
            return -1;
        skb.TryWrite(Out, a + b);
        skb.TryWrite(Out + 8, a - b);
        skb.TryWrite(Out + 16, a * b);
        skb.TryWrite(Out + 24, c + d);
        skb.TryWrite(Out + 32, c - d);
        skb.TryWrite(Out + 40, c * d);
        skb.TryWrite(Out + 48, -a);
        long e = a;
        e += 0x7FFF_FFFF_FFFF_FFFF;
        e--;
        skb.TryWrite(Out + 56, e ^ (long)~c);
        return (int)(a + b) ^ (int)(c >> 32);
    }

    /// <summary>Inputs: ulong x @0, uint y @8, ushort z @12, byte w @14: bitwise and, or, xor across widths.</summary>
    [Program(Hook.TcIngress)]
    public static int Bitwise(SkBuff skb)
    {
        if (!skb.TryRead(In, out ulong x) || !skb.TryRead(In + 8, out uint y) ||
            !skb.TryRead(In + 12, out ushort z) || !skb.TryRead(In + 14, out byte w))
            return -1;
        skb.TryWrite(Out, x & y);
        skb.TryWrite(Out + 8, x | z);
        skb.TryWrite(Out + 16, x ^ w);
        skb.TryWrite(Out + 24, y & 0x8000_0001u);
        skb.TryWrite(Out + 28, (ushort)(z | 0xF00F));
        skb.TryWrite(Out + 30, (byte)(w ^ 0xA5));
        skb.TryWrite(Out + 32, x & 0xFFFF_FFFF_0000_0000UL);
        skb.TryWrite(Out + 40, ~x | y);
        skb.TryWrite(Out + 48, (x ^ (x >> 7)) & (y | (ulong)z << 40));
        return (int)(y & z) | w;
    }
}

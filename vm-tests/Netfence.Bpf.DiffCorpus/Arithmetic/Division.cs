using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.Arithmetic;

/// <summary>
/// Division and remainder by proven non-zero divisors: guarded variables, and constants (including powers of two,
/// where signed division truncates toward zero rather than flooring, and the minimum values). Signed division by a
/// variable also excludes -1, because .NET throws for MinValue / -1 where the kernel wraps.
/// </summary>
public static class Division
{
    /// <summary>Inputs: uint n @0, uint d @4.</summary>
    [Program(Hook.TcIngress)]
    public static int DivU32(SkBuff skb)
    {
        if (!skb.TryRead(In, out uint n) || !skb.TryRead(In + 4, out uint d))
            return -1;
        uint q = 0xDEAD, r = 0xBEEF;
        if (d != 0)
        {
            q = n / d;
            r = n % d;
        }
        skb.TryWrite(Out, q);
        skb.TryWrite(Out + 4, r);
        return (int)q;
    }

    /// <summary>Inputs: ulong n @0, ulong d @8.</summary>
    [Program(Hook.TcIngress)]
    public static int DivU64(SkBuff skb)
    {
        if (!skb.TryRead(In, out ulong n) || !skb.TryRead(In + 8, out ulong d))
            return -1;
        ulong q = 0xDEAD, r = 0xBEEF;
        if (d != 0)
        {
            q = n / d;
            r = n % d;
        }
        skb.TryWrite(Out, q);
        skb.TryWrite(Out + 8, r);
        return (int)r;
    }

    /// <summary>Inputs: int n @0, int d @4.</summary>
    [Program(Hook.TcIngress)]
    public static int DivS32(SkBuff skb)
    {
        if (!skb.TryRead(In, out int n) || !skb.TryRead(In + 4, out int d))
            return -1;
        int q = 0xDEAD, r = 0xBEEF;
        if (d != 0 && d != -1)
        {
            q = n / d;
            r = n % d;
        }
        skb.TryWrite(Out, q);
        skb.TryWrite(Out + 4, r);
        return q;
    }

    /// <summary>Inputs: long n @0, long d @8.</summary>
    [Program(Hook.TcIngress)]
    public static int DivS64(SkBuff skb)
    {
        if (!skb.TryRead(In, out long n) || !skb.TryRead(In + 8, out long d))
            return -1;
        long q = 0xDEAD, r = 0xBEEF;
        if (d != 0 && d != -1)
        {
            q = n / d;
            r = n % d;
        }
        skb.TryWrite(Out, q);
        skb.TryWrite(Out + 8, r);
        return (int)r;
    }

    /// <summary>Inputs: uint n @0, int m @4: constant divisors at 32 bits.</summary>
    [Program(Hook.TcIngress)]
    public static int DivConst32(SkBuff skb)
    {
        if (!skb.TryRead(In, out uint n) || !skb.TryRead(In + 4, out int m))
            return -1;
        skb.TryWrite(Out, n / 7);
        skb.TryWrite(Out + 4, n % 7);
        skb.TryWrite(Out + 8, n / 16);
        skb.TryWrite(Out + 12, n % 16);
        skb.TryWrite(Out + 16, n / uint.MaxValue);
        skb.TryWrite(Out + 20, n / 1);
        skb.TryWrite(Out + 24, n % 1000);
        skb.TryWrite(Out + 28, m / 7);
        skb.TryWrite(Out + 32, m % 7);
        skb.TryWrite(Out + 36, m / -3);
        skb.TryWrite(Out + 40, m % -3);
        skb.TryWrite(Out + 44, m / 16);
        skb.TryWrite(Out + 48, m % 16);
        skb.TryWrite(Out + 52, m % int.MaxValue);
        return m / 2;
    }

    /// <summary>Inputs: ulong n @0, long m @8: constant divisors at 64 bits.</summary>
    [Program(Hook.TcIngress)]
    public static int DivConst64(SkBuff skb)
    {
        if (!skb.TryRead(In, out ulong n) || !skb.TryRead(In + 8, out long m))
            return -1;
        skb.TryWrite(Out, n / 1_000_000_007UL);
        skb.TryWrite(Out + 8, n % 1_000_000_007UL);
        skb.TryWrite(Out + 16, n / 0x1_0000_0000UL);
        skb.TryWrite(Out + 24, n % 0x8000_0000_0000_0000UL);
        skb.TryWrite(Out + 32, m / 10);
        skb.TryWrite(Out + 40, m % 10);
        skb.TryWrite(Out + 48, m / 1_000_000_007L);
        skb.TryWrite(Out + 56, m % 64);
        return (int)(m / 64) ^ (int)(n / 3);
    }

    /// <summary>Inputs: int n @0, long m @8: negative constant divisors, the minimum values among them.</summary>
    [Program(Hook.TcIngress)]
    public static int DivNegativeConst(SkBuff skb)
    {
        if (!skb.TryRead(In, out int n) || !skb.TryRead(In + 8, out long m))
            return -1;
        skb.TryWrite(Out, n / int.MinValue);
        skb.TryWrite(Out + 4, n % int.MinValue);
        skb.TryWrite(Out + 8, m / long.MinValue);
        skb.TryWrite(Out + 16, m % long.MinValue);
        skb.TryWrite(Out + 24, m / -1_000_000_007L);
        skb.TryWrite(Out + 32, m % -10L);
        return n / -3;
    }

    /// <summary>
    /// Inputs: int n @0, int d @4, long m @8, long e @16: divisors of either sign in every guard form the compiler
    /// proves (negative only, positive, either branch, an early return), narrow and constant dividends, and
    /// constants the backend divides by magnitude.
    /// </summary>
    [Program(Hook.TcIngress)]
    public static int DivSignedVariable(SkBuff skb)
    {
        if (!skb.TryRead(In, out int n) || !skb.TryRead(In + 4, out int d) || !skb.TryRead(In + 8, out long m) ||
            !skb.TryRead(In + 16, out long e))
            return -1;
        int q = 0x5EED, r = 0x5EED;
        long q64 = 0x5EED, r64 = 0x5EED;
        if (d < -1)
        {
            q = n / d;
            r = n % d;
        }
        if (!(d <= 0))
        {
            q ^= int.MinValue / d;
            r ^= -7 % d;
        }
        if (e == 0 || e == -1)
        {
        }
        else
        {
            q64 = m / e;
            r64 = m % e;
        }
        if (d != 0)
            r ^= (short)n % d;
        if (d != 0 && d != -1)
            q64 ^= m / d;
        skb.TryWrite(Out, q);
        skb.TryWrite(Out + 4, r);
        skb.TryWrite(Out + 8, q64);
        skb.TryWrite(Out + 16, r64);
        skb.TryWrite(Out + 24, m / -3 + m % -3);
        skb.TryWrite(Out + 32, m / int.MinValue + m % (long)int.MinValue);
        skb.TryWrite(Out + 40, n / -1_000_000 + n % -1_000_000);
        if (d == 0 || d == -1)
            return q;
        return n / d + n % d;
    }

    /// <summary>Inputs: byte a @0, byte b @1, sbyte c @2, sbyte e @3, ushort f @4, short g @6: small types divide as int.</summary>
    [Program(Hook.TcIngress)]
    public static int DivSmall(SkBuff skb)
    {
        if (!skb.TryRead(In, out byte a) || !skb.TryRead(In + 1, out byte b) || !skb.TryRead(In + 2, out sbyte c) ||
            !skb.TryRead(In + 3, out sbyte e) || !skb.TryRead(In + 4, out ushort f) || !skb.TryRead(In + 6, out short g))
            return -1;
        int result = 0;
        if (b != 0)
            result = a / b * 1000 + a % b;
        skb.TryWrite(Out, result);
        int signed = 0;
        if (e > 0)
            signed = c / e * 1000 + c % e;
        skb.TryWrite(Out + 4, signed);
        skb.TryWrite(Out + 8, (short)(g / 3));
        skb.TryWrite(Out + 10, (ushort)(f % 300));
        skb.TryWrite(Out + 12, (sbyte)(c / 2));
        skb.TryWrite(Out + 13, (sbyte)(c % 2));
        skb.TryWrite(Out + 16, g / -7);
        return f / 10;
    }
}

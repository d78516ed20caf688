namespace Netfence.Bpf.Analyzers.Tests;

/// <summary>
/// Divisions both stages must accept: the analyzer's rule tests check them as source, and the compiler's tests
/// (which link this file) compile them inlined into a program. One text, so the two stages are held to one answer.
/// </summary>
internal static class DivisionForms
{
    /// <summary>Every guard form that proves a divisor not zero (and, for the signed ones, not -1).</summary>
    public const string Guards = """
        static int F(int a, int b, uint c, sbyte e, sbyte g, long m, long n)
        {
            int q = 0;
            if (b == 0 || b == -1) { } else q += a / b;
            if (!(b <= 0)) q += a % b;
            if (0 < b) q += a / b;
            if (e > 0) q += g / e + g % e;
            if (c > 0) q += (int)(c / c);
            if (m < -1) q += (int)(n / m);
            if (b == 0) return q;
            q += (short)a / b;
            if (n == 0 || n == -1) return q;
            return (int)(m % n);
        }
        """;

    /// <summary>Signed divisions that cannot be MinValue / -1: the divisor is not -1, or the dividend not MinValue.</summary>
    public const string NoOverflow = """
        static long F(int a, int b, uint c, short s, short t, long m, long n)
        {
            long q = a / -2 + a % int.MinValue + m / long.MinValue + m % -1_000_000_007L;
            if (b != 0 && b != -1) q += a / b;
            if (b > 0) q += a % b;
            if (b != 0) q += s / b + int.MaxValue / b + (short)a % b;
            if (n != 0) q += (long)a / n + c % n;
            if (c != 0) q += a / c;
            if (t != 0) s /= t;
            return q + s;
        }
        """;
}

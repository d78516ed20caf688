using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.Data;

/// <summary>Shared helpers in a separate BPF code type.</summary>
[BpfCode]
public static class Mixing
{
    /// <summary>A 64-bit finaliser (splitmix64's).</summary>
    public static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>Five arguments, the most a BPF call passes in registers.</summary>
    public static long Five(long a, int b, short c, byte d, ulong e) => a * 3 + b - c * d + (long)(e >> 1);
}

/// <summary>Static helper methods: chains, five arguments, ref and out parameters, bool-returning predicates.</summary>
public static class Calls
{
    /// <summary>Inputs: ulong x @0, long a @8, int b @16, short c @20: a helper in another type, a chain, predicates.</summary>
    [Program(Hook.TcIngress)]
    public static int StaticHelpers(SkBuff skb)
    {
        if (!skb.TryRead(In, out ulong x) || !skb.TryRead(In + 8, out long a) || !skb.TryRead(In + 16, out int b) ||
            !skb.TryRead(In + 20, out short c))
            return -1;
        skb.TryWrite(Out, Mixing.Mix(x));
        skb.TryWrite(Out + 8, Outer(b, c));
        return IsSmall(b) ? 1 : IsNegative(a) ? 2 : 3;
    }

    /// <summary>Inputs: ulong x @0, long a @8, int b @16, short c @20, byte d @22: a call with five arguments.</summary>
    [Program(Hook.TcIngress)]
    public static int FiveArguments(SkBuff skb)
    {
        if (!skb.TryRead(In, out ulong x) || !skb.TryRead(In + 8, out long a) || !skb.TryRead(In + 16, out int b) ||
            !skb.TryRead(In + 20, out short c) || !skb.TryRead(In + 22, out byte d))
            return -1;
        skb.TryWrite(Out, Mixing.Five(a, b, c, d, x));
        return (int)Mixing.Five(b, c, d, 1, (ulong)a);
    }

    /// <summary>Inputs: long a @0, long b @8, int c @16: swap through ref, out results, ref to a struct field.</summary>
    [Program(Hook.TcIngress)]
    public static int RefParams(SkBuff skb)
    {
        if (!skb.TryRead(In, out long a) || !skb.TryRead(In + 8, out long b) || !skb.TryRead(In + 16, out int c))
            return -1;
        if (a > b)
            Swap(ref a, ref b);
        DivMod(c, out int quotient, out int remainder);
        var t = new Triple { A = a, B = c };
        AddTo(ref t.A, b);
        AddTo(ref t.A, 1);
        skb.TryWrite(Out, a);
        skb.TryWrite(Out + 8, b);
        skb.TryWrite(Out + 16, quotient);
        skb.TryWrite(Out + 20, remainder);
        skb.TryWrite(Out + 24, t.A);
        return quotient;
    }

    private static int Outer(int b, short c) => Middle(b + 1, c) * 2;

    private static int Middle(int b, short c) => Inner(b ^ c) - c;

    private static int Inner(int v) => v > 0 ? v : -v;

    private static bool IsSmall(int v) => v >= -10 && v <= 10;

    private static bool IsNegative(long v) => v < 0;

    private static void Swap(ref long x, ref long y)
    {
        long t = x;
        x = y;
        y = t;
    }

    private static void DivMod(int value, out int quotient, out int remainder)
    {
        quotient = value / 10;
        remainder = value % 10;
    }

    private static void AddTo(ref long target, long amount) => target += amount;
}

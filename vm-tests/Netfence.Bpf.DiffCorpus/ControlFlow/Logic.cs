using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.ControlFlow;

/// <summary>A protocol-like enum with a byte underlying type.</summary>
public enum Verdict : byte
{
    /// <summary>Let the packet through.</summary>
    Pass = 0,
    /// <summary>Drop it.</summary>
    Drop = 2,
    /// <summary>Send it elsewhere.</summary>
    Redirect = 7,
    /// <summary>Ask user space.</summary>
    Punt = 200,
}

/// <summary>A flags enum with a uint underlying type.</summary>
[Flags]
public enum Features : uint
{
    /// <summary>No features.</summary>
    None = 0,
    /// <summary>Bit 0.</summary>
    Logging = 1,
    /// <summary>Bit 1.</summary>
    Counting = 2,
    /// <summary>Bit 31.</summary>
    Tracing = 0x8000_0000,
}

/// <summary>Short-circuit evaluation, bool values and arithmetic, enums.</summary>
public static class Logic
{
    /// <summary>Inputs: int a @0, int b @4, byte n @8: && and || with side effects on the right-hand side.</summary>
    [Program(Hook.TcIngress)]
    public static int ShortCircuit(SkBuff skb)
    {
        if (!skb.TryRead(In, out int a) || !skb.TryRead(In + 4, out int b) || !skb.TryRead(In + 8, out byte n))
            return -1;
        int evaluated = 0;
        bool and = a > 0 && Bump(ref evaluated, b > 0);
        bool or = a < 0 || Bump(ref evaluated, b < 0);
        bool mixed = (a == b || n > 128) && (b != 0 || Bump(ref evaluated, n == 0));
        bool chain = a != 0 && b != 0 && n != 0 && Bump(ref evaluated, a + b > n);
        int bits = (and ? 1 : 0) | (or ? 2 : 0) | (mixed ? 4 : 0) | (chain ? 8 : 0);
        return bits | (evaluated << 8);
    }

    /// <summary>Inputs: byte x @0, byte y @1, int z @4: bools as values, non-short-circuit &, |, ^ on bools.</summary>
    [Program(Hook.TcIngress)]
    public static int Bools(SkBuff skb)
    {
        if (!skb.TryRead(In, out byte x) || !skb.TryRead(In + 1, out byte y) || !skb.TryRead(In + 4, out int z))
            return -1;
        bool p = x > y;
        bool q = (z & 1) != 0;
        bool r = !p;
        bool s = p ^ q;
        bool t = p & q | r;
        bool u = p == q;
        bool v = p != s;
        skb.TryWrite(Out, p);
        skb.TryWrite(Out + 1, q);
        skb.TryWrite(Out + 2, r);
        skb.TryWrite(Out + 3, s);
        skb.TryWrite(Out + 4, t);
        skb.TryWrite(Out + 5, u);
        skb.TryWrite(Out + 6, v);
        int count = (p ? 1 : 0) + (q ? 1 : 0) + (r ? 1 : 0) + (s ? 1 : 0) + (t ? 1 : 0);
        return u ? count : -count;
    }

    /// <summary>Inputs: byte raw @0, uint flags @4: enum comparisons, switch on an enum, flag tests.</summary>
    [Program(Hook.TcIngress)]
    public static int Enums(SkBuff skb)
    {
        if (!skb.TryRead(In, out byte raw) || !skb.TryRead(In + 4, out uint flags))
            return -1;
        var verdict = (Verdict)raw;
        int score = verdict switch
        {
            Verdict.Pass => 1,
            Verdict.Drop => 2,
            Verdict.Redirect => 3,
            Verdict.Punt => 4,
            _ => 0,
        };
        var features = (Features)flags;
        if ((features & Features.Logging) != 0)
            score += 10;
        if ((features & Features.Tracing) == Features.Tracing)
            score += 100;
        if (features == Features.None)
            score += 1000;
        var next = verdict == Verdict.Drop ? Verdict.Punt : Verdict.Pass;
        skb.TryWrite(Out, next);
        skb.TryWrite(Out + 4, features | Features.Counting);
        skb.TryWrite(Out + 8, (uint)(features & ~Features.Tracing));
        return score;
    }

    private static bool Bump(ref int counter, bool value)
    {
        counter++;
        return value;
    }
}

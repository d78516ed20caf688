using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.Data;

/// <summary>A small struct for non-destructive mutation with <c>with</c> (a plain struct: a record struct's generated
/// members format strings, which BPF code cannot).</summary>
public struct Range
{
    /// <summary>Inclusive start.</summary>
    public int Low;
    /// <summary>Exclusive end.</summary>
    public int High;
}

/// <summary>Newer C# forms over locals: ref locals, <c>with</c> on structs, static local functions, <c>is</c> patterns.</summary>
public static class Locals
{
    /// <summary>Inputs: long a @0, int b @8, byte c @12: ref locals into struct fields and locals.</summary>
    [Program(Hook.TcIngress)]
    public static int RefLocals(SkBuff skb)
    {
        if (!skb.TryRead(In, out long a) || !skb.TryRead(In + 8, out int b) || !skb.TryRead(In + 12, out byte c))
            return -1;
        var t = new Triple { A = a, B = b, C = c };
        ref long field = ref t.A;
        field += b;
        field <<= 1;
        ref int other = ref t.B;
        if (c > 127)
            other ^= 0x5A5A;
        ref int local = ref b;
        local -= c;
        skb.TryWrite(Out, t.A);
        skb.TryWrite(Out + 8, t.B);
        skb.TryWrite(Out + 12, b);
        return t.B - b;
    }

    /// <summary>Inputs: int low @0, int high @4, int probe @8: with-expressions, static local functions, is patterns.</summary>
    [Program(Hook.TcIngress)]
    public static int WithAndPatterns(SkBuff skb)
    {
        if (!skb.TryRead(In, out int low) || !skb.TryRead(In + 4, out int high) || !skb.TryRead(In + 8, out int probe))
            return -1;
        var range = new Range { Low = low, High = high };
        if (range.Low > range.High)
            range = range with { Low = high, High = low };
        var widened = range with { High = range.High + 1 };
        static bool Inside(Range r, int v) => v >= r.Low && v < r.High;
        int bits = 0;
        if (Inside(range, probe)) bits |= 1;
        if (Inside(widened, probe)) bits |= 2;
        if (probe is > 0 and < 100) bits |= 4;
        if (probe is 7 or 42 or -1) bits |= 8;
        if (probe is not 0) bits |= 16;
        skb.TryWrite(Out, range.Low);
        skb.TryWrite(Out + 4, range.High);
        skb.TryWrite(Out + 8, widened.High);
        return bits;
    }
}

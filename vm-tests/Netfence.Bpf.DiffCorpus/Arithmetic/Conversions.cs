using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.Arithmetic;

/// <summary>Widening (sign and zero extension) and narrowing (truncation) between every integer width.</summary>
public static class Conversions
{
    /// <summary>Inputs: long x @0: narrowed to each width, then widened back to 64 bits.</summary>
    [Program(Hook.TcIngress)]
    public static int Narrowing(SkBuff skb)
    {
        if (!skb.TryRead(In, out long x))
            return -1;
        skb.TryWrite(Out, (long)(sbyte)x);
        skb.TryWrite(Out + 8, (long)(byte)x);
        skb.TryWrite(Out + 16, (long)(short)x);
        skb.TryWrite(Out + 24, (long)(ushort)x);
        skb.TryWrite(Out + 32, (long)(int)x);
        skb.TryWrite(Out + 40, (long)(uint)x);
        skb.TryWrite(Out + 48, (ulong)(sbyte)(ulong)x);
        skb.TryWrite(Out + 56, (int)(short)(x >> 16));
        return (sbyte)x;
    }

    /// <summary>Inputs: sbyte a @0, byte b @1, short c @2, ushort d @4, int e @8, uint f @12.</summary>
    [Program(Hook.TcIngress)]
    public static int Widening(SkBuff skb)
    {
        if (!skb.TryRead(In, out sbyte a) || !skb.TryRead(In + 1, out byte b) || !skb.TryRead(In + 2, out short c) ||
            !skb.TryRead(In + 4, out ushort d) || !skb.TryRead(In + 8, out int e) || !skb.TryRead(In + 12, out uint f))
            return -1;
        long la = a;
        ulong ua = (ulong)a;
        long lc = c;
        ulong ud = d;
        long le = e;
        ulong ue = (ulong)e;
        long lf = f;
        int ib = b;
        skb.TryWrite(Out, la);
        skb.TryWrite(Out + 8, ua);
        skb.TryWrite(Out + 16, lc + (long)ud);
        skb.TryWrite(Out + 24, le);
        skb.TryWrite(Out + 32, ue);
        skb.TryWrite(Out + 40, lf);
        skb.TryWrite(Out + 48, ib + a);
        skb.TryWrite(Out + 52, (uint)a);
        skb.TryWrite(Out + 56, (ushort)a);
        skb.TryWrite(Out + 58, (short)b);
        skb.TryWrite(Out + 60, (uint)(c + d));
        return e + (int)f;
    }
}

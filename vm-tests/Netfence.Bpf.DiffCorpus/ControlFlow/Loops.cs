using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.ControlFlow;

/// <summary>Loops with provable bounds: constant, configuration-bounded, early exit, nested, while and do/while.</summary>
public static class Loops
{
    /// <summary>How many input bytes <see cref="LoopConfigBound"/> folds: a load-time bound.</summary>
    public static readonly int FoldBytes = 24;

    /// <summary>Inputs: the 64 input bytes: sum, xor and a rolling hash over every byte.</summary>
    [Program(Hook.TcIngress)]
    public static int LoopSum(SkBuff skb)
    {
        uint sum = 0;
        uint xor = 0;
        uint hash = 2166136261;
        for (int i = 0; i < 64; i++)
        {
            if (!skb.TryRead(In + i, out byte b))
                return -1;
            sum += b;
            xor ^= (uint)b << (i & 24);
            hash = (hash ^ b) * 16777619;
        }
        skb.TryWrite(Out, sum);
        skb.TryWrite(Out + 4, xor);
        skb.TryWrite(Out + 8, hash);
        return (int)sum;
    }

    /// <summary>Inputs: the 64 input bytes: break at the first zero byte, continue past even bytes.</summary>
    [Program(Hook.TcIngress)]
    public static int LoopBreak(SkBuff skb)
    {
        int firstZero = -1;
        int odd = 0;
        for (int i = 0; i < 64; i++)
        {
            if (!skb.TryRead(In + i, out byte b))
                break;
            if (b == 0)
            {
                firstZero = i;
                break;
            }
            if ((b & 1) == 0)
                continue;
            odd++;
        }
        skb.TryWrite(Out, firstZero);
        skb.TryWrite(Out + 4, odd);
        return firstZero * 100 + odd;
    }

    /// <summary>Inputs: bytes 0 to 7 as a vector: a nested loop computes its outer product's trace-like sums.</summary>
    [Program(Hook.TcIngress)]
    public static int LoopNested(SkBuff skb)
    {
        long acc = 0;
        for (int i = 0; i < 8; i++)
        {
            if (!skb.TryRead(In + i, out sbyte x))
                return -1;
            for (int j = 0; j < 8; j++)
            {
                if (!skb.TryRead(In + 8 + j, out sbyte y))
                    return -2;
                acc += i == j ? x * y * 3 : x - y;
            }
        }
        skb.TryWrite(Out, acc);
        return (int)acc;
    }

    /// <summary>Inputs: ulong x @0: population count by a bounded for, bit length by a bounded while, do/while.</summary>
    [Program(Hook.TcIngress)]
    public static int LoopBits(SkBuff skb)
    {
        if (!skb.TryRead(In, out ulong x))
            return -1;
        int popcount = 0;
        ulong v = x;
        for (int i = 0; i < 64 && v != 0; i++)
        {
            v &= v - 1;
            popcount++;
        }
        int length = 0;
        ulong w = x;
        int guard = 0;
        while (w != 0 && guard < 64)
        {
            w >>= 1;
            length++;
            guard++;
        }
        int steps = 0;
        uint c = (uint)x;
        do
        {
            c = (c & 1) == 0 ? c >> 1 : c * 3 + 1;
            steps++;
        }
        while (c > 1 && steps < 100);
        skb.TryWrite(Out, popcount);
        skb.TryWrite(Out + 4, length);
        skb.TryWrite(Out + 8, steps);
        skb.TryWrite(Out + 12, c);
        return popcount | (length << 8);
    }

    /// <summary>Inputs: the first <see cref="FoldBytes"/> bytes, summed as little-endian 16-bit words.</summary>
    [Program(Hook.TcIngress)]
    public static int LoopConfigBound(SkBuff skb)
    {
        uint sum = 0;
        for (int i = 0; i < FoldBytes; i += 2)
        {
            if (!skb.TryRead(In + i, out ushort word))
                return -1;
            sum += word;
        }
        for (int fold = 0; fold < 2; fold++)
            sum = (sum & 0xFFFF) + (sum >> 16);
        skb.TryWrite(Out, (ushort)~sum);
        return (int)sum;
    }
}

using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.Data;

/// <summary>
/// A struct with mixed widths and three bytes of padding after C. C# leaves padding unspecified, so programs write
/// its fields, never the whole struct, into the packet.
/// </summary>
public struct Triple
{
    /// <summary>8 bytes.</summary>
    public long A;
    /// <summary>4 bytes.</summary>
    public int B;
    /// <summary>1 byte, then padding.</summary>
    public byte C;
}

/// <summary>A struct holding structs.</summary>
public struct Envelope
{
    /// <summary>The first inner struct.</summary>
    public Triple First;
    /// <summary>A small field between the two.</summary>
    public short Tag;
    /// <summary>The second inner struct.</summary>
    public Triple Second;
}

/// <summary>Structs: copies are independent, nesting, passing by value, by ref, by in, and returning them.</summary>
public static class Structs
{
    /// <summary>Inputs: long a @0, int b @8, byte c @12: a copy changes without touching the original.</summary>
    [Program(Hook.TcIngress)]
    public static int StructCopy(SkBuff skb)
    {
        if (!skb.TryRead(In, out long a) || !skb.TryRead(In + 8, out int b) || !skb.TryRead(In + 12, out byte c))
            return -1;
        var original = new Triple { A = a, B = b, C = c };
        var copy = original;
        copy.A += 1;
        copy.B = ~copy.B;
        copy.C ^= 0xFF;
        var third = copy;
        third.A = original.A * 2;
        skb.TryWrite(Out, original.A);
        skb.TryWrite(Out + 8, original.B);
        skb.TryWrite(Out + 12, original.C);
        skb.TryWrite(Out + 16, copy.A);
        skb.TryWrite(Out + 24, copy.B);
        skb.TryWrite(Out + 28, copy.C);
        skb.TryWrite(Out + 32, third.A);
        return original.C + copy.C;
    }

    /// <summary>Inputs: two Triples read whole from @0 and @16, short tag @32: nested fields and whole-struct copies.</summary>
    [Program(Hook.TcIngress)]
    public static int StructNested(SkBuff skb)
    {
        if (!skb.TryRead(In, out Triple first) || !skb.TryRead(In + 16, out Triple second) || !skb.TryRead(In + 32, out short tag))
            return -1;
        var envelope = new Envelope { First = first, Tag = tag, Second = second };
        envelope.Second.B += envelope.First.B;
        envelope.First = envelope.Second;
        envelope.First.C = (byte)envelope.Tag;
        skb.TryWrite(Out, envelope.First.A);
        skb.TryWrite(Out + 8, envelope.First.B);
        skb.TryWrite(Out + 12, envelope.First.C);
        skb.TryWrite(Out + 16, envelope.Second.A - first.A);
        skb.TryWrite(Out + 24, envelope.Tag);
        skb.TryWrite(Out + 28, envelope.First.B);
        return envelope.First.C;
    }

    /// <summary>Inputs: long a @0, int b @8, byte c @12: by value, by ref, by in, returned by value.</summary>
    [Program(Hook.TcIngress)]
    public static int StructPassing(SkBuff skb)
    {
        if (!skb.TryRead(In, out long a) || !skb.TryRead(In + 8, out int b) || !skb.TryRead(In + 12, out byte c))
            return -1;
        var t = new Triple { A = a, B = b, C = c };
        long fromValue = MutateCopy(t);
        Mutate(ref t);
        long fromIn = Sum(in t);
        var made = Make(a, c);
        skb.TryWrite(Out, fromValue);
        skb.TryWrite(Out + 8, t.A);
        skb.TryWrite(Out + 16, t.B);
        skb.TryWrite(Out + 20, t.C);
        skb.TryWrite(Out + 24, fromIn);
        skb.TryWrite(Out + 32, made.A);
        skb.TryWrite(Out + 40, made.B);
        skb.TryWrite(Out + 44, made.C);
        return t.B;
    }

    private static long MutateCopy(Triple t)
    {
        t.A = -t.A;
        t.B++;
        return t.A + t.B;
    }

    private static void Mutate(ref Triple t)
    {
        t.A <<= 1;
        t.B = (int)t.A ^ t.B;
        t.C = (byte)(t.C + 1);
    }

    private static long Sum(in Triple t) => t.A + t.B + t.C;

    private static Triple Make(long a, byte c) => new() { A = a >> 3, B = c * 3, C = (byte)a };
}

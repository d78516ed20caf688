using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.Data;

/// <summary>The mode <see cref="Host.ConfigConstants"/> is built for.</summary>
public enum Mode : uint
{
    /// <summary>Count only.</summary>
    Audit = 1,
    /// <summary>Drop matches.</summary>
    Enforce = 2,
}

/// <summary>
/// Byte order, deterministic helpers (whose values the harness can give .NET too), the context, and load-time
/// configuration.
/// </summary>
public static class Host
{
    /// <summary>A port (host order) matched against the packet.</summary>
    public static readonly ushort Port = 443;
    /// <summary>A byte constant.</summary>
    public static readonly byte Shift = 5;
    /// <summary>A 32-bit mask.</summary>
    public static readonly uint Mask = 0xFFFF_F000;
    /// <summary>A 64-bit multiplier.</summary>
    public static readonly ulong Multiplier = 0x9E37_79B9_7F4A_7C15;
    /// <summary>A signed limit.</summary>
    public static readonly long Limit = -123_456_789_012;
    /// <summary>A switch.</summary>
    public static readonly bool Strict = true;
    /// <summary>An enum-typed setting.</summary>
    public static readonly Mode Mode = Mode.Enforce;

    /// <summary>Inputs: ushort s @0, uint l @4, ulong q @8 in network order.</summary>
    [Program(Hook.TcIngress)]
    public static int ByteOrder(SkBuff skb)
    {
        if (!skb.TryRead(In, out ushort s) || !skb.TryRead(In + 4, out uint l) || !skb.TryRead(In + 8, out ulong q))
            return -1;
        skb.TryWrite(Out, Net.Ntohs(s));
        skb.TryWrite(Out + 2, Net.Htons((ushort)(Net.Ntohs(s) + 1)));
        skb.TryWrite(Out + 4, Net.Ntohl(l));
        skb.TryWrite(Out + 8, Net.Htonl(Net.Ntohl(l) >> 4));
        skb.TryWrite(Out + 16, Net.Ntohll(q));
        skb.TryWrite(Out + 24, Net.Htonll(Net.Ntohll(q) + 1));
        skb.TryWrite(Out + 32, (ulong)Net.Ntohs(s) << 48 | Net.Ntohl(l));
        return Net.Ntohs(s) > 0x8000 ? 1 : 0;
    }

    /// <summary>Inputs: ushort port @0 (network order), uint v @4, long w @8: every configuration field in use.</summary>
    [Program(Hook.TcIngress)]
    public static int ConfigConstants(SkBuff skb)
    {
        if (!skb.TryRead(In, out ushort port) || !skb.TryRead(In + 4, out uint v) || !skb.TryRead(In + 8, out long w))
            return -1;
        skb.TryWrite(Out, v & Mask);
        skb.TryWrite(Out + 4, v >> Shift);
        skb.TryWrite(Out + 8, (ulong)w * Multiplier);
        skb.TryWrite(Out + 16, w < Limit);
        int result = Net.Ntohs(port) == Port ? 1 : 0;
        if (Strict)
            result |= 2;
        if (Mode == Mode.Enforce && result != 2)
            result |= 4;
        return result;
    }

    /// <summary>
    /// Inputs: none read from the packet: helpers the harness makes deterministic on both sides. Only the helpers
    /// every program type has on 6.1: bpf_get_current_pid_tgid, which the harness could compare too, is not offered to
    /// TC programs there (NF0037), and only TC programs can be test-run.
    /// </summary>
    [Program(Hook.TcIngress)]
    public static int HelperCalls(SkBuff skb)
    {
        ulong first = Sdk.Bpf.KtimeGetNs();
        ulong second = Sdk.Bpf.KtimeGetNs();
        ulong bootFirst = Sdk.Bpf.KtimeGetBootNs();
        ulong bootSecond = Sdk.Bpf.KtimeGetBootNs();
        skb.TryWrite(Out, second >= first);
        skb.TryWrite(Out + 1, bootSecond >= bootFirst);
        skb.TryWrite(Out + 4, Sdk.Bpf.GetSmpProcessorId() < 4096u);
        return second >= first && bootSecond >= bootFirst ? 1 : 0;
    }

    /// <summary>Inputs: uint mark @0, uint priority @4, uint cb0 @8, uint cb4 @12: context reads and writes.</summary>
    [Program(Hook.TcIngress)]
    public static int ContextFields(SkBuff skb)
    {
        if (!skb.TryRead(In, out uint mark) || !skb.TryRead(In + 4, out uint priority) ||
            !skb.TryRead(In + 8, out uint cb0) || !skb.TryRead(In + 12, out uint cb4))
            return -1;
        uint before = skb.Mark;
        skb.Mark = mark;
        skb.Priority = priority ^ before;
        skb.SetCb(0, cb0);
        skb.SetCb(4, cb4 + skb.Cb(0));
        skb.TryWrite(Out, skb.Len);
        skb.TryWrite(Out + 4, skb.Mark);
        skb.TryWrite(Out + 8, skb.Cb(4));
        return (int)(skb.Len + skb.Priority);
    }
}

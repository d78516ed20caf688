using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.ControlFlow;

/// <summary>If/else chains, dense and sparse switches, switch expressions with patterns, ternaries.</summary>
public static class Branches
{
    /// <summary>Inputs: int x @0, long y @8: range classification through nested ifs.</summary>
    [Program(Hook.TcIngress)]
    public static int IfChains(SkBuff skb)
    {
        if (!skb.TryRead(In, out int x) || !skb.TryRead(In + 8, out long y))
            return -1;
        int result;
        if (x < -1000)
            result = 1;
        else if (x < 0)
            result = 2;
        else if (x == 0)
            result = 3;
        else if (x <= 1000)
        {
            if (y > x)
                result = 4;
            else
                result = 5;
        }
        else
            result = y < 0 ? 6 : 7;

        long z = 0;
        if (y != 0)
        {
            z = y;
            if (y < 0)
                z = -y;
        }
        skb.TryWrite(Out, z);
        return result;
    }

    /// <summary>Inputs: int x @0: cases 0 to 9 (a jump table candidate).</summary>
    [Program(Hook.TcIngress)]
    public static int SwitchDense(SkBuff skb)
    {
        if (!skb.TryRead(In, out int x))
            return -1;
        int result;
        switch (x)
        {
            case 0: result = 100; break;
            case 1: result = 250; break;
            case 2: result = -7; break;
            case 3:
            case 4: result = 34; break;
            case 5: result = x * 11; break;
            case 6: result = 6060; break;
            case 7: result = int.MinValue; break;
            case 8: result = 8; break;
            case 9: result = int.MaxValue; break;
            default: result = x & 0xFF; break;
        }
        return result;
    }

    /// <summary>Inputs: uint port @0, long key @8: widely spread cases.</summary>
    [Program(Hook.TcIngress)]
    public static int SwitchSparse(SkBuff skb)
    {
        if (!skb.TryRead(In, out uint port) || !skb.TryRead(In + 8, out long key))
            return -1;
        int a;
        switch (port & 0xFFFF)
        {
            case 22: a = 1; break;
            case 53: a = 2; break;
            case 80: a = 3; break;
            case 443: a = 4; break;
            case 8080: a = 5; break;
            case 65535: a = 6; break;
            default: a = 0; break;
        }
        int b;
        switch (key)
        {
            case long.MinValue: b = 10; break;
            case -1: b = 20; break;
            case 0: b = 30; break;
            case 0x1_0000_0000L: b = 40; break;
            case long.MaxValue: b = 50; break;
            default: b = 60; break;
        }
        int c;
        switch (port)
        {
            case 0xFFFF_FFFFu: c = 100; break;
            case 0x8000_0000u: c = 200; break;
            case 7: c = 300; break;
            default: c = 400; break;
        }
        return a + b + c;
    }

    /// <summary>Inputs: long v @0, byte kind @8: switch expressions with relational and logical patterns.</summary>
    [Program(Hook.TcIngress)]
    public static int SwitchPatterns(SkBuff skb)
    {
        if (!skb.TryRead(In, out long v) || !skb.TryRead(In + 8, out byte kind))
            return -1;
        int range = v switch
        {
            < -100 => 1,
            >= -100 and < 0 => 2,
            0 => 3,
            > 0 and <= 255 => 4,
            >= 0x1_0000_0000L => 5,
            _ => 6,
        };
        int k = kind switch
        {
            1 or 2 or 3 => 10,
            >= 200 => 20,
            _ when v < 0 => 30,
            _ => 40,
        };
        return range + k;
    }

    /// <summary>Inputs: int a @0, int b @4, ulong c @8: nested conditional expressions.</summary>
    [Program(Hook.TcIngress)]
    public static int Ternaries(SkBuff skb)
    {
        if (!skb.TryRead(In, out int a) || !skb.TryRead(In + 4, out int b) || !skb.TryRead(In + 8, out ulong c))
            return -1;
        int max = a > b ? a : b;
        int min = a < b ? a : b;
        long sign = a > 0 ? 1 : a < 0 ? -1 : 0;
        ulong clamp = c > 1000 ? 1000 : c < 10 ? 10 : c;
        skb.TryWrite(Out, max);
        skb.TryWrite(Out + 4, min);
        skb.TryWrite(Out + 8, sign);
        skb.TryWrite(Out + 16, clamp);
        skb.TryWrite(Out + 24, (a & 1) == 0 ? c : ~c);
        return (b > 0 ? a : -a) + (c == 0 ? 1 : 0);
    }
}

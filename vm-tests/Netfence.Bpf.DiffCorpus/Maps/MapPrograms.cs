using Netfence.Bpf.Sdk;
using static Netfence.Bpf.DiffCorpus.Layout;

namespace Netfence.Bpf.DiffCorpus.Maps;

/// <summary>A hash key with three bytes of padding after Protocol, which the kernel compares too.</summary>
public struct PaddedKey
{
    /// <summary>1 byte, then padding.</summary>
    public byte Protocol;
    /// <summary>4 bytes.</summary>
    public uint Address;
}

/// <summary>A counter value with padding at the end.</summary>
public struct Counter
{
    /// <summary>8 bytes.</summary>
    public ulong Packets;
    /// <summary>4 bytes, then padding.</summary>
    public uint Bytes;
}

/// <summary>An IPv4 LPM key: prefix length, then the address in network order.</summary>
public struct Ipv4Prefix
{
    /// <summary>The prefix length in bits.</summary>
    public uint PrefixLength;
    /// <summary>The address, network order.</summary>
    public uint Address;
}

/// <summary>
/// Map operations whose results the harness compares with the kernel's: the returned errno, the values looked up,
/// and the map contents afterwards. Keys are masked into small ranges so lookups hit the seeded entries.
/// </summary>
public static class MapPrograms
{
    /// <summary>Hash map with u32 keys; the harness seeds a few entries.</summary>
    public static readonly HashMap<uint, ulong> HashTable = new(maxEntries: 64);

    /// <summary>Hash map keyed by a padded struct.</summary>
    public static readonly HashMap<PaddedKey, Counter> PaddedTable = new(maxEntries: 64);

    /// <summary>A hash map that fills up after four keys.</summary>
    public static readonly HashMap<uint, uint> SmallTable = new(maxEntries: 4);

    /// <summary>An array of eight values.</summary>
    public static readonly ArrayMap<long> ArrayTable = new(maxEntries: 8);

    /// <summary>Per-CPU counters.</summary>
    public static readonly PerCpuArrayMap<ulong> CpuCounters = new(maxEntries: 4);

    /// <summary>Longest-prefix match over IPv4 prefixes; the harness seeds nested prefixes.</summary>
    public static readonly LpmTrieMap<Ipv4Prefix, uint> Prefixes = new(maxEntries: 64);

    /// <summary>Inputs: byte op @0, uint key @4 (masked to 0..15), ulong value @8, byte flags @16 (0..3).</summary>
    [Program(Hook.TcIngress)]
    public static int HashOps(SkBuff skb)
    {
        if (!skb.TryRead(In, out byte op) || !skb.TryRead(In + 4, out uint rawKey) ||
            !skb.TryRead(In + 8, out ulong value) || !skb.TryRead(In + 16, out byte rawFlags))
            return -1;
        uint key = rawKey & 15;
        var flags = (UpdateFlag)(rawFlags & 3);
        long status = 1;
        switch (op & 3)
        {
            case 0:
                status = HashTable.Update(key, value, flags);
                break;
            case 1:
                status = HashTable.Delete(key);
                break;
            case 2:
                if (HashTable.TryLookup(key, out ulong old))
                    status = HashTable.Update(key, old + value, UpdateFlag.Exist);
                break;
        }
        ulong found = 0;
        bool present = HashTable.TryLookup(key, out found);
        skb.TryWrite(Out, status);
        skb.TryWrite(Out + 8, found);
        return present ? 1 : 0;
    }

    /// <summary>Inputs: byte protocol @0, uint address @4 (masked to 0..7), uint length @8: per-flow counters.</summary>
    [Program(Hook.TcIngress)]
    public static int PaddedKeys(SkBuff skb)
    {
        if (!skb.TryRead(In, out byte protocol) || !skb.TryRead(In + 4, out uint address) || !skb.TryRead(In + 8, out uint length))
            return -1;
        var key = new PaddedKey { Protocol = (byte)(protocol & 1), Address = address & 7 };
        Counter counter;
        long status;
        if (PaddedTable.TryLookup(key, out counter))
        {
            counter.Packets++;
            counter.Bytes += length;
            status = PaddedTable.Update(key, counter, UpdateFlag.Exist);
        }
        else
        {
            counter = new Counter { Packets = 1, Bytes = length };
            status = PaddedTable.Update(key, counter, UpdateFlag.NoExist);
        }
        skb.TryWrite(Out, status);
        skb.TryWrite(Out + 8, counter.Packets);
        return (int)counter.Bytes;
    }

    /// <summary>Inputs: uint key @0 (masked to 0..7), byte delete @4: inserts until the map is full (-E2BIG).</summary>
    [Program(Hook.TcIngress)]
    public static int HashFull(SkBuff skb)
    {
        if (!skb.TryRead(In, out uint rawKey) || !skb.TryRead(In + 4, out byte delete))
            return -1;
        uint key = rawKey & 7;
        long status = (delete & 1) != 0 ? SmallTable.Delete(key) : SmallTable.Update(key, rawKey, UpdateFlag.Any);
        skb.TryWrite(Out, status);
        return (int)status;
    }

    /// <summary>Inputs: byte op @0, uint index @4 (masked to 0..11), long value @8, byte flags @16 (0..3).</summary>
    [Program(Hook.TcIngress)]
    public static int ArrayOps(SkBuff skb)
    {
        if (!skb.TryRead(In, out byte op) || !skb.TryRead(In + 4, out uint rawIndex) ||
            !skb.TryRead(In + 8, out long value) || !skb.TryRead(In + 16, out byte rawFlags))
            return -1;
        uint index = rawIndex % 12;
        var flags = (UpdateFlag)(rawFlags & 3);
        long status = 1;
        if ((op & 1) == 0)
            status = ArrayTable.Update(index, value, flags);
        else if ((op & 2) == 0)
            status = ArrayTable.Delete(index);
        long found = -1;
        bool present = ArrayTable.TryLookup(index, out found);
        skb.TryWrite(Out, status);
        skb.TryWrite(Out + 8, found);
        return present ? 1 : 0;
    }

    /// <summary>Inputs: uint index @0 (masked to 0..5), ulong delta @8: per-CPU increments and this CPU's value.</summary>
    [Program(Hook.TcIngress)]
    public static int PerCpuCount(SkBuff skb)
    {
        if (!skb.TryRead(In, out uint rawIndex) || !skb.TryRead(In + 8, out ulong delta))
            return -1;
        uint index = rawIndex % 6;
        bool incremented = CpuCounters.Increment(index, delta & 0xFFFF);
        ulong now = 0;
        bool present = CpuCounters.TryLookup(index, out now);
        skb.TryWrite(Out, now);
        return (incremented ? 1 : 0) | (present ? 2 : 0);
    }

    /// <summary>Inputs: uint address @0 (network order): the longest seeded prefix covering it.</summary>
    [Program(Hook.TcIngress)]
    public static int LpmLookup(SkBuff skb)
    {
        if (!skb.TryRead(In, out uint address))
            return -1;
        var key = new Ipv4Prefix { PrefixLength = 32, Address = address };
        if (!Prefixes.TryLookup(key, out uint rule))
            return 0;
        var shorter = new Ipv4Prefix { PrefixLength = 12, Address = address };
        uint coarse = 0;
        if (Prefixes.TryLookup(shorter, out uint coarseRule))
            coarse = coarseRule;
        skb.TryWrite(Out, rule);
        skb.TryWrite(Out + 4, coarse);
        return (int)rule;
    }

    /// <summary>
    /// Inputs: byte op @0, byte prefix length @1 (0..40; over 32 is -EINVAL), byte address choice @2 (one of four),
    /// byte flags @3 (0..3), uint value @4: inserts and deletes prefixes, then looks the address up.
    /// </summary>
    [Program(Hook.TcIngress)]
    public static int LpmUpdate(SkBuff skb)
    {
        if (!skb.TryRead(In, out byte op) || !skb.TryRead(In + 1, out byte length) || !skb.TryRead(In + 2, out byte choice) ||
            !skb.TryRead(In + 3, out byte rawFlags) || !skb.TryRead(In + 4, out uint value))
            return -1;
        uint address = (choice & 3) switch
        {
            0 => 0x0000_000Au,
            1 => 0x0001_010Au,
            2 => 0x0302_010Au,
            _ => 0x0100_A8C0u,
        };
        var key = new Ipv4Prefix { PrefixLength = length % 41u, Address = address };
        long status = (op & 1) == 0 ? Prefixes.Update(key, value, (UpdateFlag)(rawFlags & 3)) : Prefixes.Delete(key);
        var probe = new Ipv4Prefix { PrefixLength = 32, Address = address };
        uint found = 0;
        bool present = Prefixes.TryLookup(probe, out found);
        skb.TryWrite(Out, status);
        skb.TryWrite(Out + 8, found);
        return present ? 1 : 0;
    }

    /// <summary>Inputs: uint key @0 (masked to 0..15): a looked-up value is a copy; changing it leaves the map alone.</summary>
    [Program(Hook.TcIngress)]
    public static int LookupCopy(SkBuff skb)
    {
        if (!skb.TryRead(In, out uint rawKey))
            return -1;
        uint key = rawKey & 15;
        if (!HashTable.TryLookup(key, out ulong value))
            return 0;
        value += 1000;
        ulong again = HashTable.TryLookup(key, out ulong second) ? second : 0;
        skb.TryWrite(Out, value);
        skb.TryWrite(Out + 8, again);
        return again == value ? 2 : 1;
    }
}

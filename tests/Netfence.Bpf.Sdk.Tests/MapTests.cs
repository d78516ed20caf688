using System.Runtime.InteropServices;

namespace Netfence.Bpf.Sdk.Tests;

public sealed class MapTests
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Key
    {
        public uint A;
        public ushort B;
        public byte C;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Triple
    {
        public uint A, B, C;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Ip4Prefix
    {
        public uint PrefixLength;
        public uint Address; // network order, as the kernel compares bytes

        public static Ip4Prefix Of(byte a, byte b, byte c, byte d, uint length) =>
            new() { PrefixLength = length, Address = BitConverter.ToUInt32([a, b, c, d]) };
    }

    [Fact]
    public void Hash_update_flags_return_the_kernels_errno()
    {
        var map = new HashMap<uint, ulong>(4);
        Assert.Equal(-Errno.ENOENT, map.Update(1, 10, UpdateFlag.Exist));
        Assert.Equal(0, map.Update(1, 10, UpdateFlag.NoExist));
        Assert.Equal(-Errno.EEXIST, map.Update(1, 11, UpdateFlag.NoExist));
        Assert.Equal(0, map.Update(1, 12, UpdateFlag.Exist));
        Assert.True(map.TryLookup(1, out var value));
        Assert.Equal(12UL, value);
        Assert.Equal(-Errno.EINVAL, map.Update(2, 1, (UpdateFlag)4));
    }

    [Fact]
    public void Hash_full_map_rejects_new_keys_with_E2BIG_but_replaces_existing()
    {
        var map = new HashMap<uint, ulong>(2);
        Assert.Equal(0, map.Update(1, 1));
        Assert.Equal(0, map.Update(2, 2));
        Assert.Equal(-Errno.E2BIG, map.Update(3, 3));
        Assert.Equal(0, map.Update(2, 20));
        Assert.Equal(0, map.Delete(1));
        Assert.Equal(0, map.Update(3, 3));
        Assert.Equal(2, map.Count);
    }

    [Fact]
    public void Hash_delete_of_a_missing_key_is_ENOENT_and_lookup_misses_zero_the_value()
    {
        var map = new HashMap<uint, ulong>(2);
        Assert.Equal(-Errno.ENOENT, map.Delete(7));
        map.Update(7, 70);
        Assert.Equal(0, map.Delete(7));
        Assert.False(map.TryLookup(7, out var value));
        Assert.Equal(0UL, value);
    }

    [Fact]
    public void Hash_keys_compare_byte_for_byte_including_padding()
    {
        var map = new HashMap<Key, uint>(4);
        var key = new Key { A = 1, B = 2, C = 3 };
        map.Update(key, 5);
        Assert.True(map.TryLookup(new Key { A = 1, B = 2, C = 3 }, out var found));
        Assert.Equal(5u, found);
        Assert.False(map.TryLookup(new Key { A = 1, B = 2, C = 4 }, out _));
    }

    [Fact]
    public void Lru_evicts_the_least_recently_used_entry_instead_of_failing()
    {
        var map = new LruHashMap<uint, ulong>(2);
        map.Update(1, 1);
        map.Update(2, 2);
        Assert.True(map.TryLookup(1, out _)); // 1 is now more recent than 2
        Assert.Equal(0, map.Update(3, 3));
        Assert.True(map.TryLookup(1, out _));
        Assert.False(map.TryLookup(2, out _));
        Assert.True(map.TryLookup(3, out _));
    }

    [Fact]
    public void Array_has_every_index_zeroed_and_follows_array_rules()
    {
        var map = new ArrayMap<ulong>(4);
        for (uint i = 0; i < 4; i++)
        {
            Assert.True(map.TryLookup(i, out var value));
            Assert.Equal(0UL, value);
        }

        Assert.False(map.TryLookup(4, out _));
        Assert.Equal(-Errno.E2BIG, map.Update(4, 1));
        Assert.Equal(-Errno.EEXIST, map.Update(0, 1, UpdateFlag.NoExist));
        Assert.Equal(0, map.Update(0, 9, UpdateFlag.Exist));
        Assert.Equal(-Errno.EINVAL, map.Delete(0));
        Assert.True(map.TryLookup(0, out var kept));
        Assert.Equal(9UL, kept);
    }

    [Fact]
    public void Per_cpu_increment_touches_only_the_current_cpus_slot()
    {
        var map = new PerCpuArrayMap<ulong>(2);
        var runtime = new DeterministicBpfRuntime { Cpus = 3 };
        using (BpfRuntime.Use(runtime))
        {
            runtime.Cpu = 0;
            Assert.True(map.Increment(1));
            runtime.Cpu = 2;
            Assert.True(map.Increment(1, 5));
            Assert.True(map.Increment(1, 5));
            Assert.False(map.Increment(2));
            Assert.True(map.TryLookup(1, out var onCpu2));
            Assert.Equal(10UL, onCpu2);
            Assert.Equal([1UL, 0UL, 10UL], map.ReadAllCpus(1));
            Assert.Equal([0UL, 0UL, 0UL], map.ReadAllCpus(0));
            Assert.Equal(-Errno.EEXIST, map.Update(0, 1, UpdateFlag.NoExist));
            Assert.Equal(-Errno.EINVAL, map.Delete(0));
        }
    }

    [Fact]
    public void Lpm_lookup_finds_the_longest_covering_prefix()
    {
        var map = new LpmTrieMap<Ip4Prefix, uint>(8);
        Assert.Equal(32u, map.MaxPrefixLength);
        Assert.Equal(0, map.Update(Ip4Prefix.Of(10, 0, 0, 0, 8), 8));
        Assert.Equal(0, map.Update(Ip4Prefix.Of(10, 1, 0, 0, 16), 16));
        Assert.Equal(0, map.Update(Ip4Prefix.Of(10, 1, 2, 3, 32), 32));

        Assert.True(map.TryLookup(Ip4Prefix.Of(10, 1, 2, 3, 32), out var exact));
        Assert.Equal(32u, exact);
        Assert.True(map.TryLookup(Ip4Prefix.Of(10, 1, 9, 9, 32), out var slash16));
        Assert.Equal(16u, slash16);
        Assert.True(map.TryLookup(Ip4Prefix.Of(10, 200, 0, 1, 32), out var slash8));
        Assert.Equal(8u, slash8);
        Assert.False(map.TryLookup(Ip4Prefix.Of(11, 0, 0, 1, 32), out _));
        // The lookup key's own prefix length bounds the match, as in the kernel.
        Assert.True(map.TryLookup(Ip4Prefix.Of(10, 1, 2, 3, 20), out var bounded));
        Assert.Equal(16u, bounded);
        Assert.False(map.TryLookup(Ip4Prefix.Of(10, 1, 2, 3, 33), out _));
    }

    [Fact]
    public void Lpm_entries_are_identified_by_prefix_bits_only()
    {
        var map = new LpmTrieMap<Ip4Prefix, uint>(8);
        Assert.Equal(0, map.Update(Ip4Prefix.Of(192, 168, 1, 0, 24), 1, UpdateFlag.NoExist));
        Assert.Equal(-Errno.EEXIST, map.Update(Ip4Prefix.Of(192, 168, 1, 77, 24), 2, UpdateFlag.NoExist));
        Assert.Equal(-Errno.ENOENT, map.Update(Ip4Prefix.Of(192, 168, 2, 0, 24), 2, UpdateFlag.Exist));
        Assert.Equal(0, map.Delete(Ip4Prefix.Of(192, 168, 1, 255, 24)));
        Assert.Equal(-Errno.ENOENT, map.Delete(Ip4Prefix.Of(192, 168, 1, 0, 24)));
    }

    [Fact]
    public void Lpm_rejects_long_prefixes_and_is_ENOSPC_when_full()
    {
        var map = new LpmTrieMap<Ip4Prefix, uint>(1);
        Assert.Equal(-Errno.EINVAL, map.Update(Ip4Prefix.Of(1, 2, 3, 4, 33), 1));
        Assert.Equal(-Errno.EINVAL, map.Delete(Ip4Prefix.Of(1, 2, 3, 4, 33)));
        Assert.Equal(0, map.Update(Ip4Prefix.Of(1, 0, 0, 0, 8), 1));
        Assert.Equal(-Errno.ENOSPC, map.Update(Ip4Prefix.Of(2, 0, 0, 0, 8), 2));
        Assert.Equal(0, map.Update(Ip4Prefix.Of(1, 0, 0, 0, 8), 3));
        Assert.True(map.Flags.HasFlag(MapFlags.NoPrealloc));
    }

    [Fact]
    public void Ring_buffer_accounts_header_and_alignment_and_is_EAGAIN_when_full()
    {
        var ring = new RingBuffer(4096);
        // 8-byte header + 12 bytes rounded up to 16: 24 bytes per record, 170 fit in 4096.
        var record = new Triple { A = 1, B = 2, C = 3 };
        var written = 0;
        while (ring.Output(record) == 0)
            written++;
        Assert.Equal(4096 / 24, written);
        Assert.Equal(-Errno.EAGAIN, ring.Output(record));
        Assert.True(ring.TryTake(out var bytes));
        Assert.Equal(12, bytes.Length);
        Assert.Equal(1u, BitConverter.ToUInt32(bytes, 0));
        Assert.Equal(0, ring.Output(record));
        Assert.Throws<ArgumentException>(() => new RingBuffer(5000));
    }
}

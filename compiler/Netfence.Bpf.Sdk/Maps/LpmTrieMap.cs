using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Netfence.Bpf.Sdk.KernelNumbers;

namespace Netfence.Bpf.Sdk;

/// <summary>
/// BPF_MAP_TYPE_LPM_TRIE: longest-prefix match. <typeparamref name="TKey"/> must start with a uint prefix length in
/// bits followed by the address bytes in network order (e.g. { uint PrefixLen; uint Ip4; }). An entry is identified
/// by its prefix length and the first prefix-length bits; a lookup uses the key's own prefix length as an upper
/// bound and finds the entry with the longest prefix covering the key, as the kernel does. The compiler always
/// creates the map with BPF_F_NO_PREALLOC, which the kernel requires.
/// </summary>
[MapType(MapLpmTrie)]
public sealed class LpmTrieMap<TKey, TValue> : BpfMap where TKey : unmanaged where TValue : unmanaged
{
    // Each value is boxed in its own holder so a Lookup reference stays valid while other prefixes come and go.
    private readonly Dictionary<byte[], StrongBox<TValue>> _entries = new(KeyBytes.Comparer);
    private readonly uint _maxPrefixLength = (uint)(Unsafe.SizeOf<TKey>() - sizeof(uint)) * 8;

    /// <summary>Declares a trie of at most <paramref name="maxEntries"/> prefixes.</summary>
    public LpmTrieMap(uint maxEntries, MapFlags flags = MapFlags.NoPrealloc, MapPinning pinning = MapPinning.None)
        : base(maxEntries, flags | MapFlags.NoPrealloc, pinning)
    {
        if (Unsafe.SizeOf<TKey>() <= sizeof(uint))
            throw new ArgumentException($"{typeof(TKey).Name} must be a uint prefix length followed by at least one data byte");
    }

    /// <summary>The longest prefix a key can express: 8 times the data bytes.</summary>
    public uint MaxPrefixLength => _maxPrefixLength;

    /// <summary>bpf_map_lookup_elem: the value of the longest stored prefix that covers the key.</summary>
    [Helper(HelperMapLookupElem)]
    public bool TryLookup(in TKey key, out TValue value)
    {
        lock (Sync)
        {
            if (Longest(key) is { } holder)
            {
                value = holder.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>
    /// bpf_map_lookup_elem without the copy: a reference to the value of the longest stored prefix that covers the
    /// key, or a null reference when none does. Test it with <see cref="BpfMap.IsMissing{T}"/> before any other use.
    /// </summary>
    [Helper(HelperMapLookupElem)]
    public ref TValue Lookup(in TKey key)
    {
        lock (Sync)
        {
            if (Longest(key) is { } holder)
                return ref holder.Value!;
        }

        return ref Unsafe.NullRef<TValue>();
    }

    private StrongBox<TValue>? Longest(in TKey key)
    {
        var bytes = KeyBytes.Of(key);
        var prefixLength = PrefixLength(bytes);
        if (prefixLength > _maxPrefixLength)
            return null;
        for (var length = (int)prefixLength; length >= 0; length--)
        {
            if (_entries.TryGetValue(Masked(bytes, (uint)length), out var holder))
                return holder;
        }

        return null;
    }

    /// <summary>bpf_map_update_elem: 0, -EINVAL (flags, prefix too long), -EEXIST, -ENOENT, -ENOSPC when full.</summary>
    [Helper(HelperMapUpdateElem, ResultIs32Bit = true)]
    public long Update(in TKey key, in TValue value, UpdateFlag flags = UpdateFlag.Any)
    {
        var bytes = KeyBytes.Of(key);
        if ((ulong)flags > (ulong)UpdateFlag.Exist || PrefixLength(bytes) > _maxPrefixLength)
            return -Errno.EINVAL;

        var entry = Masked(bytes, PrefixLength(bytes));
        lock (Sync)
        {
            var exists = _entries.ContainsKey(entry);
            if (exists && flags == UpdateFlag.NoExist)
                return -Errno.EEXIST;
            if (!exists && flags == UpdateFlag.Exist)
                return -Errno.ENOENT;
            if (!exists && _entries.Count >= MaxEntries)
                return -Errno.ENOSPC;
            if (exists)
                _entries[entry].Value = value;
            else
                _entries[entry] = new StrongBox<TValue>(value);
            return 0;
        }
    }

    /// <summary>bpf_map_delete_elem: removes the exact prefix; -ENOENT if absent, -EINVAL if too long.</summary>
    [Helper(HelperMapDeleteElem, ResultIs32Bit = true)]
    public long Delete(in TKey key)
    {
        var bytes = KeyBytes.Of(key);
        if (PrefixLength(bytes) > _maxPrefixLength)
            return -Errno.EINVAL;
        lock (Sync)
            return _entries.Remove(Masked(bytes, PrefixLength(bytes))) ? 0 : -Errno.ENOENT;
    }

    private static uint PrefixLength(byte[] key) => MemoryMarshal.Read<uint>(key);

    // The identity of a prefix: its length and its first `length` bits, everything after them cleared.
    private static byte[] Masked(byte[] key, uint length)
    {
        var masked = (byte[])key.Clone();
        MemoryMarshal.Write(masked, in length);
        var data = masked.AsSpan(sizeof(uint));
        for (var bit = (int)length; bit < data.Length * 8; bit++)
            data[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return masked;
    }
}

using System.Runtime.CompilerServices;

namespace Netfence.Bpf.Sdk;

// The managed storage of hash and LRU hash maps, with the kernel's flag checks and capacity rule. The caller
// holds the map's lock.
internal sealed class HashTable<TValue>(uint maxEntries, bool evictLeastRecentlyUsed) where TValue : unmanaged
{
    private readonly Dictionary<byte[], Entry> _entries = new(KeyBytes.Comparer);
    private long _clock;

    public int Count => _entries.Count;

    public bool TryLookup(byte[] key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            // The kernel marks an LRU element referenced on lookup, which protects it from the next eviction.
            entry.LastUse = ++_clock;
            value = entry.Value;
            return true;
        }

        value = default;
        return false;
    }

    // The stored value itself, which stays in place until its entry is deleted, as a kernel hash element does.
    public ref TValue Lookup(byte[] key)
    {
        if (!_entries.TryGetValue(key, out var entry))
            return ref Unsafe.NullRef<TValue>();
        entry.LastUse = ++_clock;
        return ref entry.Value;
    }

    public long Update(byte[] key, in TValue value, UpdateFlag flags)
    {
        if ((ulong)flags > (ulong)UpdateFlag.Exist)
            return -Errno.EINVAL;

        var exists = _entries.TryGetValue(key, out var entry);
        if (exists && flags == UpdateFlag.NoExist)
            return -Errno.EEXIST;
        if (!exists && flags == UpdateFlag.Exist)
            return -Errno.ENOENT;

        if (exists)
        {
            entry!.Value = value;
            entry.LastUse = ++_clock;
            return 0;
        }

        if (_entries.Count >= maxEntries)
        {
            if (!evictLeastRecentlyUsed)
                return -Errno.E2BIG;
            _entries.Remove(_entries.MinBy(e => e.Value.LastUse).Key);
        }

        _entries.Add(key, new Entry { Value = value, LastUse = ++_clock });
        return 0;
    }

    public long Delete(byte[] key) => _entries.Remove(key) ? 0 : -Errno.ENOENT;

    public IEnumerable<KeyValuePair<byte[], TValue>> Snapshot() =>
        _entries.Select(e => KeyValuePair.Create(e.Key, e.Value.Value)).ToArray();

    private sealed class Entry
    {
        public TValue Value;
        public long LastUse;
    }
}

using System.Runtime.InteropServices;
using static Netfence.Bpf.Sdk.KernelNumbers;

namespace Netfence.Bpf.Sdk;

/// <summary>
/// BPF_MAP_TYPE_HASH. Keys are compared byte for byte, padding included, as the kernel does. A full map rejects
/// new keys with -E2BIG; replacing an existing key always works.
/// </summary>
[MapType(MapHash)]
public class HashMap<TKey, TValue> : BpfMap where TKey : unmanaged where TValue : unmanaged
{
    private readonly HashTable<TValue> _table;

    /// <summary>Declares a hash map of at most <paramref name="maxEntries"/> entries.</summary>
    public HashMap(uint maxEntries, MapFlags flags = MapFlags.None, MapPinning pinning = MapPinning.None)
        : this(maxEntries, flags, pinning, evictLeastRecentlyUsed: false)
    {
    }

    private protected HashMap(uint maxEntries, MapFlags flags, MapPinning pinning, bool evictLeastRecentlyUsed)
        : base(maxEntries, flags, pinning) =>
        _table = new HashTable<TValue>(maxEntries, evictLeastRecentlyUsed);

    /// <summary>bpf_map_lookup_elem: true and a copy of the value when the key is present.</summary>
    [Helper(HelperMapLookupElem)]
    public bool TryLookup(in TKey key, out TValue value)
    {
        lock (Sync)
            return _table.TryLookup(KeyBytes.Of(key), out value);
    }

    /// <summary>
    /// bpf_map_lookup_elem without the copy: a reference to the value in the map, or a null reference when the key is
    /// absent. Test it with <see cref="BpfMap.IsMissing{T}"/> before any other use (NF0036); writes through it change
    /// the entry in place, as writes through the kernel's value pointer do.
    /// </summary>
    [Helper(HelperMapLookupElem)]
    public ref TValue Lookup(in TKey key)
    {
        lock (Sync)
            return ref _table.Lookup(KeyBytes.Of(key));
    }

    /// <summary>bpf_map_update_elem: 0, or -EEXIST, -ENOENT, -E2BIG, -EINVAL as the kernel returns them.</summary>
    [Helper(HelperMapUpdateElem, ResultIs32Bit = true)]
    public long Update(in TKey key, in TValue value, UpdateFlag flags = UpdateFlag.Any)
    {
        lock (Sync)
            return _table.Update(KeyBytes.Of(key), value, flags);
    }

    /// <summary>bpf_map_delete_elem: 0, or -ENOENT when the key is absent.</summary>
    [Helper(HelperMapDeleteElem, ResultIs32Bit = true)]
    public long Delete(in TKey key)
    {
        lock (Sync)
            return _table.Delete(KeyBytes.Of(key));
    }

    /// <summary>The number of entries, as user space would count them by iterating.</summary>
    [ManagedOnly]
    public int Count
    {
        get
        {
            lock (Sync)
                return _table.Count;
        }
    }

    /// <summary>A copy of every entry, as user space would read them by iterating.</summary>
    [ManagedOnly]
    public IReadOnlyList<KeyValuePair<TKey, TValue>> Entries()
    {
        lock (Sync)
            return _table.Snapshot().Select(e => KeyValuePair.Create(MemoryMarshal.Read<TKey>(e.Key), e.Value)).ToArray();
    }
}

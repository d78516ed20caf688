using static Netfence.Bpf.Sdk.KernelNumbers;

namespace Netfence.Bpf.Sdk;

/// <summary>
/// BPF_MAP_TYPE_LRU_HASH: a hash map that makes room for a new key by evicting an entry instead of failing. .NET
/// evicts the least recently looked-up or updated entry. The kernel's LRU is approximate (per-CPU lists, and it
/// may evict before the map is exactly full), so differential tests must not depend on which entry goes.
/// </summary>
[MapType(MapLruHash)]
public sealed class LruHashMap<TKey, TValue> : HashMap<TKey, TValue> where TKey : unmanaged where TValue : unmanaged
{
    /// <summary>Declares an LRU hash map of at most <paramref name="maxEntries"/> entries.</summary>
    public LruHashMap(uint maxEntries, MapFlags flags = MapFlags.None, MapPinning pinning = MapPinning.None)
        : base(maxEntries, flags, pinning, evictLeastRecentlyUsed: true)
    {
    }
}

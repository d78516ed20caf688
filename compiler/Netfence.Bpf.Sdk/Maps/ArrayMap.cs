using static Netfence.Bpf.Sdk.KernelNumbers;

namespace Netfence.Bpf.Sdk;

/// <summary>
/// BPF_MAP_TYPE_ARRAY with u32 keys. Every index from 0 to maxEntries-1 exists from the start, zeroed; elements
/// cannot be deleted (-EINVAL), NoExist always fails (-EEXIST) and an index past the end is -E2BIG.
/// </summary>
[MapType(MapArray)]
public sealed class ArrayMap<TValue> : BpfMap where TValue : unmanaged
{
    private readonly TValue[] _values;

    /// <summary>Declares an array of <paramref name="maxEntries"/> zeroed values.</summary>
    public ArrayMap(uint maxEntries, MapFlags flags = MapFlags.None, MapPinning pinning = MapPinning.None)
        : base(maxEntries, flags, pinning) => _values = new TValue[maxEntries];

    /// <summary>bpf_map_lookup_elem: false only for an index past the end.</summary>
    [Helper(HelperMapLookupElem)]
    public bool TryLookup(in uint key, out TValue value)
    {
        lock (Sync)
        {
            if (key >= MaxEntries)
            {
                value = default;
                return false;
            }

            value = _values[key];
            return true;
        }
    }

    /// <summary>bpf_map_update_elem: 0, -E2BIG past the end, -EEXIST for NoExist, -EINVAL for unknown flags.</summary>
    [Helper(HelperMapUpdateElem, ResultIs32Bit = true)]
    public long Update(in uint key, in TValue value, UpdateFlag flags = UpdateFlag.Any)
    {
        lock (Sync)
        {
            var error = ArrayRules.CheckUpdate(key, MaxEntries, flags);
            if (error != 0)
                return error;
            _values[key] = value;
            return 0;
        }
    }

    /// <summary>bpf_map_delete_elem: always -EINVAL, arrays cannot delete.</summary>
    [Helper(HelperMapDeleteElem, ResultIs32Bit = true)]
    public long Delete(in uint key) => -Errno.EINVAL;
}

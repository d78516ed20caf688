using static Netfence.Bpf.Sdk.KernelNumbers;

namespace Netfence.Bpf.Sdk;

/// <summary>
/// BPF_MAP_TYPE_PERCPU_ARRAY: an array with one slot per CPU per index. A program sees and changes only the slot
/// of the CPU it runs on (<see cref="BpfRuntime.GetSmpProcessorId"/> in .NET), so counters need no atomics.
/// </summary>
[MapType(MapPerCpuArray)]
public sealed class PerCpuArrayMap<TValue> : BpfMap where TValue : unmanaged
{
    private readonly Dictionary<int, TValue[]> _slotsByCpuCount = [];

    /// <summary>Declares a per-CPU array of <paramref name="maxEntries"/> zeroed values per CPU.</summary>
    public PerCpuArrayMap(uint maxEntries, MapFlags flags = MapFlags.None, MapPinning pinning = MapPinning.None)
        : base(maxEntries, flags, pinning)
    {
    }

    /// <summary>bpf_map_lookup_elem: this CPU's value; false only for an index past the end.</summary>
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

            value = Slots()[SlotIndex(key)];
            return true;
        }
    }

    /// <summary>bpf_map_update_elem: writes this CPU's slot; errors as <see cref="ArrayMap{TValue}.Update"/>.</summary>
    [Helper(HelperMapUpdateElem, ResultIs32Bit = true)]
    public long Update(in uint key, in TValue value, UpdateFlag flags = UpdateFlag.Any)
    {
        lock (Sync)
        {
            var error = ArrayRules.CheckUpdate(key, MaxEntries, flags);
            if (error != 0)
                return error;
            Slots()[SlotIndex(key)] = value;
            return 0;
        }
    }

    /// <summary>bpf_map_delete_elem: always -EINVAL, arrays cannot delete.</summary>
    [Helper(HelperMapDeleteElem, ResultIs32Bit = true)]
    public long Delete(in uint key) => -Errno.EINVAL;

    /// <summary>Every CPU's value at <paramref name="key"/>, in CPU order, as a user-space lookup returns them.</summary>
    [ManagedOnly]
    public TValue[] ReadAllCpus(uint key)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(key, MaxEntries);
        lock (Sync)
        {
            var slots = Slots();
            var cpus = BpfRuntime.Current.CpuCount;
            var values = new TValue[cpus];
            for (var cpu = 0; cpu < cpus; cpu++)
                values[cpu] = slots[cpu * MaxEntries + key];
            return values;
        }
    }

    internal delegate void SlotAction(ref TValue slot);

    // Runs an in-place change on this CPU's slot: the kernel's lookup-then-write through the returned pointer.
    internal bool WithSlot(uint key, SlotAction action)
    {
        lock (Sync)
        {
            if (key >= MaxEntries)
                return false;
            action(ref Slots()[SlotIndex(key)]);
            return true;
        }
    }

    private long SlotIndex(uint key) => BpfRuntime.Current.GetSmpProcessorId() * (long)MaxEntries + key;

    // Slots are kept per CPU count: a test that switches to a runtime with more CPUs gets zeroed slots for them,
    // as a freshly created map on such a machine would have.
    private TValue[] Slots()
    {
        var cpus = BpfRuntime.Current.CpuCount;
        if (!_slotsByCpuCount.TryGetValue(cpus, out var slots))
            _slotsByCpuCount[cpus] = slots = new TValue[cpus * (long)MaxEntries];
        return slots;
    }
}

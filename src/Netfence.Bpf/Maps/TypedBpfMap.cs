using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Netfence.Bpf.Maps;

/// <summary>
/// A map whose keys and values are unmanaged structs with the map's exact key and value sizes
/// (checked when the map is wrapped, so a struct that drifted from the kernel layout fails
/// at once instead of corrupting entries). For per-CPU maps use <see cref="PerCpuBpfMap{TKey, TValue}"/>.
/// </summary>
public sealed class BpfMap<TKey, TValue> : IDisposable
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>Wraps a raw map, taking ownership.</summary>
    /// <exception cref="ArgumentException">The struct sizes differ from the map's, or the map is per-CPU.</exception>
    public BpfMap(BpfMap raw)
    {
        if (raw.Spec.IsPerCpu)
            throw new ArgumentException($"map '{raw.Name}' is per-CPU ({raw.Spec.Type}): use PerCpuBpfMap<{typeof(TKey).Name}, {typeof(TValue).Name}>", nameof(raw));
        CheckSize<TKey>(raw, raw.Spec.KeySize, "key");
        CheckSize<TValue>(raw, raw.Spec.ValueSize, "value");
        Raw = raw;
    }

    /// <summary>The untyped map underneath.</summary>
    public BpfMap Raw { get; }

    public string Name => Raw.Name;

    /// <summary>Creates a map from <paramref name="spec"/>, whose sizes must match the structs.</summary>
    public static BpfMap<TKey, TValue> Create(MapSpec spec)
    {
        if (spec.KeySize != Unsafe.SizeOf<TKey>() || spec.ValueSize != Unsafe.SizeOf<TValue>())
            throw new ArgumentException($"map '{spec.Name}' has key/value sizes {spec.KeySize}/{spec.ValueSize} but {typeof(TKey).Name}/{typeof(TValue).Name} are {Unsafe.SizeOf<TKey>()}/{Unsafe.SizeOf<TValue>()} bytes", nameof(spec));
        return new BpfMap<TKey, TValue>(BpfMap.Create(spec));
    }

    /// <summary>Creates a hash map sized for the structs.</summary>
    public static BpfMap<TKey, TValue> CreateHash(string name, uint maxEntries, MapFlags flags = MapFlags.None) =>
        Create(MapSpec.Hash(name, (uint)Unsafe.SizeOf<TKey>(), (uint)Unsafe.SizeOf<TValue>(), maxEntries, flags));

    /// <summary>Creates an LRU hash map sized for the structs.</summary>
    public static BpfMap<TKey, TValue> CreateLruHash(string name, uint maxEntries) =>
        Create(MapSpec.LruHash(name, (uint)Unsafe.SizeOf<TKey>(), (uint)Unsafe.SizeOf<TValue>(), maxEntries));

    /// <summary>Looks a key up; false when absent.</summary>
    public bool TryLookup(in TKey key, out TValue value)
    {
        value = default;
        return Raw.TryLookup(AsBytes(in key), MemoryMarshal.AsBytes(new Span<TValue>(ref value)));
    }

    /// <summary>The value for a key that must be present.</summary>
    /// <exception cref="MapKeyNotFoundException">The key is absent.</exception>
    public TValue Lookup(in TKey key) =>
        TryLookup(in key, out var value) ? value : throw new MapKeyNotFoundException(Syscalls.BpfCommand.MapLookupElem, Name, $"key {key}");

    /// <summary>Creates or replaces (as <paramref name="flags"/> allows); failures throw typed exceptions naming the map.</summary>
    public void Update(in TKey key, in TValue value, UpdateFlags flags = UpdateFlags.Any) =>
        Raw.Update(AsBytes(in key), AsBytes(in value), flags);

    /// <summary>Adds a key that must not exist yet (NOEXIST); false, and no change, when it does.</summary>
    public bool TryAdd(in TKey key, in TValue value) =>
        Outcome(Raw.TryUpdate(AsBytes(in key), AsBytes(in value), UpdateFlags.NoExist), Syscalls.Errno.EEXIST);

    /// <summary>Replaces the value of a key that must exist (EXIST); false, and no change, when it is absent.</summary>
    public bool TryReplace(in TKey key, in TValue value) =>
        Outcome(Raw.TryUpdate(AsBytes(in key), AsBytes(in value), UpdateFlags.Exist), Syscalls.Errno.ENOENT);

    /// <summary>Deletes a key; false when it was absent.</summary>
    public bool Delete(in TKey key) => Raw.Delete(AsBytes(in key));

    /// <summary>Every key once (see <see cref="BpfMap.Keys"/> for behaviour under concurrent deletes).</summary>
    public IEnumerable<TKey> Keys() => Raw.Keys().Select(k => MemoryMarshal.Read<TKey>(k));

    /// <summary>Every key with its value; keys deleted during the walk are left out.</summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> Entries() =>
        Raw.Entries().Select(e => new KeyValuePair<TKey, TValue>(MemoryMarshal.Read<TKey>(e.Key), MemoryMarshal.Read<TValue>(e.Value)));

    /// <summary>Writes many elements (batched where the kernel can); see <see cref="BpfMap.UpdateBatch"/>.</summary>
    public int UpdateBatch(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values, UpdateFlags flags = UpdateFlags.Any)
    {
        if (keys.Length != values.Length)
            throw new ArgumentException($"map '{Name}': {keys.Length} keys but {values.Length} values", nameof(values));
        return Raw.UpdateBatch(MemoryMarshal.AsBytes(keys), MemoryMarshal.AsBytes(values), flags);
    }

    /// <summary>Deletes many keys (batched where the kernel can); see <see cref="BpfMap.DeleteBatch"/>.</summary>
    public int DeleteBatch(ReadOnlySpan<TKey> keys) => Raw.DeleteBatch(MemoryMarshal.AsBytes(keys));

    /// <summary>Reads every element (batched where the kernel can).</summary>
    public List<KeyValuePair<TKey, TValue>> LookupBatch() =>
        Raw.LookupBatch().Select(e => new KeyValuePair<TKey, TValue>(MemoryMarshal.Read<TKey>(e.Key), MemoryMarshal.Read<TValue>(e.Value))).ToList();

    /// <summary>Freezes the map for user space (see <see cref="BpfMap.Freeze"/>).</summary>
    public void Freeze() => Raw.Freeze();

    bool Outcome(Syscalls.Errno errno, Syscalls.Errno expectedRefusal)
    {
        if (errno == Syscalls.Errno.None) return true;
        if (errno == expectedRefusal) return false;
        throw MapErrors.For(Raw, Syscalls.BpfCommand.MapUpdateElem, errno);
    }

    internal static ReadOnlySpan<byte> AsBytes<T>(in T value) where T : unmanaged =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));

    internal static void CheckSize<T>(BpfMap raw, uint expected, string what) where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != expected)
            throw new ArgumentException($"map '{raw.Name}' has {expected}-byte {what}s but {typeof(T).Name} is {Unsafe.SizeOf<T>()} bytes", nameof(raw));
    }

    /// <inheritdoc />
    public void Dispose() => Raw.Dispose();

    /// <inheritdoc />
    public override string ToString() => Raw.ToString();
}

namespace Netfence.Bpf.Maps;

/// <summary>What a map is: the arguments of BPF_MAP_CREATE.</summary>
public sealed record MapSpec
{
    /// <summary>Name shown by the kernel (15 bytes kept).</summary>
    public required string Name { get; init; }
    public required MapType Type { get; init; }
    public required uint KeySize { get; init; }
    public required uint ValueSize { get; init; }
    public required uint MaxEntries { get; init; }
    public MapFlags Flags { get; init; }
    /// <summary>Where the map wants to be pinned (libbpf's LIBBPF_PIN_BY_NAME), if anywhere.</summary>
    public string? PinName { get; init; }

    /// <summary>True for map types that keep one value per possible CPU.</summary>
    public bool IsPerCpu => Type is MapType.PerCpuHash or MapType.PerCpuArray or MapType.LruPerCpuHash;

    /// <summary>A hash map.</summary>
    public static MapSpec Hash(string name, uint keySize, uint valueSize, uint maxEntries, MapFlags flags = MapFlags.None) =>
        new() { Name = name, Type = MapType.Hash, KeySize = keySize, ValueSize = valueSize, MaxEntries = maxEntries, Flags = flags };

    /// <summary>An LRU hash map: when full, an update evicts the least recently used key instead of failing.</summary>
    public static MapSpec LruHash(string name, uint keySize, uint valueSize, uint maxEntries, MapFlags flags = MapFlags.None) =>
        new() { Name = name, Type = MapType.LruHash, KeySize = keySize, ValueSize = valueSize, MaxEntries = maxEntries, Flags = flags };

    /// <summary>An array map: keys are u32 indexes 0..maxEntries-1, all present and zeroed at creation.</summary>
    public static MapSpec Array(string name, uint valueSize, uint maxEntries, MapFlags flags = MapFlags.None) =>
        new() { Name = name, Type = MapType.Array, KeySize = 4, ValueSize = valueSize, MaxEntries = maxEntries, Flags = flags };

    /// <summary>A per-CPU array: like an array, with one value per possible CPU (lock-free counters).</summary>
    public static MapSpec PerCpuArray(string name, uint valueSize, uint maxEntries) =>
        new() { Name = name, Type = MapType.PerCpuArray, KeySize = 4, ValueSize = valueSize, MaxEntries = maxEntries };

    /// <summary>A per-CPU hash map.</summary>
    public static MapSpec PerCpuHash(string name, uint keySize, uint valueSize, uint maxEntries) =>
        new() { Name = name, Type = MapType.PerCpuHash, KeySize = keySize, ValueSize = valueSize, MaxEntries = maxEntries };

    /// <summary>
    /// A longest-prefix-match trie whose keys are laid out by <paramref name="layout"/>. The
    /// kernel requires BPF_F_NO_PREALLOC for tries, so it is always set.
    /// </summary>
    public static MapSpec LpmTrie(string name, LpmKeyLayoutBase layout, uint valueSize, uint maxEntries) =>
        new() { Name = name, Type = MapType.LpmTrie, KeySize = (uint)layout.KeySize, ValueSize = valueSize, MaxEntries = maxEntries, Flags = MapFlags.NoPrealloc };

    /// <summary>
    /// A ring buffer of <paramref name="sizeBytes"/> bytes of record space, which must be a power
    /// of two and a multiple of the page size.
    /// </summary>
    public static MapSpec RingBuffer(string name, uint sizeBytes)
    {
        RingBufferSize.Validate(name, sizeBytes);
        return new() { Name = name, Type = MapType.RingBuf, KeySize = 0, ValueSize = 0, MaxEntries = sizeBytes };
    }

    /// <summary>Rejects specs the kernel would refuse with a bare EINVAL, naming what is wrong.</summary>
    /// <exception cref="ArgumentException">The spec cannot be created.</exception>
    public void Validate()
    {
        foreach (char c in Name)
        {
            // BpfProgram.WriteName drops anything else; refuse instead of renaming silently.
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.'))
                throw new ArgumentException($"map name '{Name}' contains '{c}': kernel object names allow only A-Z, a-z, 0-9, '_' and '.'", nameof(Name));
        }
        if (MaxEntries == 0) throw new ArgumentException($"map '{Name}': max_entries must be at least 1", nameof(MaxEntries));
        switch (Type)
        {
            case MapType.RingBuf:
                if (KeySize != 0 || ValueSize != 0)
                    throw new ArgumentException($"ring buffer '{Name}' must have key and value size 0 (got {KeySize} and {ValueSize})");
                RingBufferSize.Validate(Name, MaxEntries);
                break;
            case MapType.Array or MapType.PerCpuArray:
                if (KeySize != 4) throw new ArgumentException($"array map '{Name}' must have 4-byte (u32 index) keys, got {KeySize}", nameof(KeySize));
                goto default;
            case MapType.LpmTrie:
                if (!Flags.HasFlag(MapFlags.NoPrealloc))
                    throw new ArgumentException($"LPM trie '{Name}' needs MapFlags.NoPrealloc (the kernel refuses preallocated tries)", nameof(Flags));
                if (KeySize <= 4) throw new ArgumentException($"LPM trie '{Name}' keys are a u32 prefix length plus data bytes: key size must exceed 4, got {KeySize}", nameof(KeySize));
                goto default;
            default:
                if (KeySize == 0) throw new ArgumentException($"map '{Name}' ({Type}) needs a non-zero key size", nameof(KeySize));
                if (ValueSize == 0) throw new ArgumentException($"map '{Name}' ({Type}) needs a non-zero value size", nameof(ValueSize));
                break;
        }
    }
}

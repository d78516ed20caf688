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
}

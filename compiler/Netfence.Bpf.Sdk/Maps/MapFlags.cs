namespace Netfence.Bpf.Sdk;

/// <summary>map_flags of BPF_MAP_CREATE that a map declaration may set.</summary>
[Flags]
public enum MapFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>BPF_F_NO_PREALLOC: allocate hash entries on demand (always set for LPM tries).</summary>
    NoPrealloc = 1,
    /// <summary>BPF_F_RDONLY_PROG: programs may only read the map.</summary>
    ReadOnlyProgram = 1 << 7,
    /// <summary>BPF_F_WRONLY_PROG: programs may only write the map.</summary>
    WriteOnlyProgram = 1 << 8,
}

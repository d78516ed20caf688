namespace Netfence.Bpf.Maps;

/// <summary>Flags for map creation (<c>map_flags</c>).</summary>
[Flags]
public enum MapFlags : uint
{
    None = 0,
    /// <summary>Allocate entries on demand; required for LPM tries.</summary>
    NoPrealloc = 1,
    NoCommonLru = 2,
    NumaNode = 4,
    /// <summary>Programs may only read the map.</summary>
    RdonlyProg = 0x80,
    /// <summary>Programs may only write the map.</summary>
    WronlyProg = 0x100,
    /// <summary>Allows mmap of array maps.</summary>
    Mmapable = 0x400,
}

/// <summary>Flags for element updates.</summary>
public enum UpdateFlags : ulong
{
    /// <summary>Create or replace (BPF_ANY).</summary>
    Any = 0,
    /// <summary>Create only; fail with EEXIST if present (BPF_NOEXIST).</summary>
    NoExist = 1,
    /// <summary>Replace only; fail with ENOENT if absent (BPF_EXIST).</summary>
    Exist = 2,
}

using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Maps;

/// <summary>A write from user space to a map that was frozen with BPF_MAP_FREEZE (the kernel answers EPERM).</summary>
public sealed class MapFrozenException : BpfException
{
    public MapFrozenException(BpfCommand command, string mapName)
        : base(command.Name(), Errno.EPERM, $"map '{mapName}' is frozen (BPF_MAP_FREEZE): user space can no longer change it; programs still can unless it is read-only to them", $"map '{mapName}'")
        => MapName = mapName;

    /// <summary>The map's name.</summary>
    public string MapName { get; }
}

using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Maps;

/// <summary>The key was already in the map (EEXIST) and the update asked for <see cref="UpdateFlags.NoExist"/>.</summary>
public sealed class MapKeyExistsException : BpfException
{
    public MapKeyExistsException(BpfCommand command, string mapName, string? detail = null)
        : base(command.Name(), Errno.EEXIST, $"map '{mapName}' already has the key and the update asked for NOEXIST{MapKeyNotFoundException.Suffix(detail)}", $"map '{mapName}'")
        => MapName = mapName;

    /// <summary>The map's name.</summary>
    public string MapName { get; }
}

using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Maps;

/// <summary>
/// The map has no room for another key: <c>max_entries</c> is reached. Hash maps answer E2BIG
/// and LPM tries ENOSPC; both become this exception so callers need not know the difference.
/// </summary>
public sealed class MapFullException : BpfException
{
    public MapFullException(BpfCommand command, Errno errno, string mapName, uint maxEntries, string? detail = null)
        : base(command.Name(), errno, $"the map is full: map '{mapName}' holds its max_entries of {maxEntries}{MapKeyNotFoundException.Suffix(detail)}", $"map '{mapName}'")
    {
        MapName = mapName;
        MaxEntries = maxEntries;
    }

    /// <summary>The map's name.</summary>
    public string MapName { get; }

    /// <summary>The map's capacity.</summary>
    public uint MaxEntries { get; }
}

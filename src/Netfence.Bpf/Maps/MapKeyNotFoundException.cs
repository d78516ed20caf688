using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Maps;

/// <summary>The key was not in the map (ENOENT), e.g. an update with <see cref="UpdateFlags.Exist"/>.</summary>
public sealed class MapKeyNotFoundException : BpfException
{
    public MapKeyNotFoundException(BpfCommand command, string mapName, string? detail = null)
        : base(command.Name(), Errno.ENOENT, $"map '{mapName}' has no such key{Suffix(detail)}", $"map '{mapName}'")
        => MapName = mapName;

    /// <summary>The map's name.</summary>
    public string MapName { get; }

    internal static string Suffix(string? detail) => string.IsNullOrEmpty(detail) ? "" : $" ({detail})";
}

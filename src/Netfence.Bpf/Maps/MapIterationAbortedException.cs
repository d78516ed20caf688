namespace Netfence.Bpf.Maps;

/// <summary>Iterating a map was given up because it changed faster than it could be walked.</summary>
public sealed class MapIterationAbortedException(string mapName, long steps)
    : InvalidOperationException($"iterating map '{mapName}' was aborted after {steps} steps: keys kept being deleted under the walk, so the kernel kept restarting it from the first key")
{
    /// <summary>The map's name.</summary>
    public string MapName { get; } = mapName;
}

namespace Netfence.Bpf.Sdk;

/// <summary>Whether the loader pins a map, libbpf-style.</summary>
public enum MapPinning
{
    /// <summary>The map lives as long as the programs and file descriptors using it.</summary>
    None = 0,
    /// <summary>Pinned under the loader's pin directory by the field's name, and reused if already pinned.</summary>
    ByName = 1,
}

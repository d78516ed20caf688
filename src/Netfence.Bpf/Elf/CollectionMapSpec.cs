using Netfence.Bpf.Maps;

namespace Netfence.Bpf.Elf;

/// <summary>How a map in an object should be pinned (libbpf's <c>pinning</c> attribute).</summary>
public enum MapPinning : uint
{
    /// <summary>Not pinned: the map lives as long as something holds it.</summary>
    None = 0,
    /// <summary>LIBBPF_PIN_BY_NAME: pinned under the loader's pin directory by map name, reused when compatible.</summary>
    ByName = 1,
}

/// <summary>
/// A map of an object file: a BTF-defined map from <c>.maps</c>, or a data section
/// (<c>.rodata</c>, <c>.data</c>, <c>.bss</c>) turned into a single-entry array.
/// </summary>
public sealed class CollectionMapSpec
{
    internal CollectionMapSpec(MapSpec spec, MapPinning pinning, byte[]? contents, bool freeze, string? dataSection)
    {
        Spec = spec;
        Pinning = pinning;
        Contents = contents;
        Freeze = freeze;
        DataSection = dataSection;
    }

    /// <summary>The map's creation arguments.</summary>
    public MapSpec Spec { get; internal set; }

    /// <summary>The map's name in the object (the symbol in <c>.maps</c>, or the section name).</summary>
    public string Name => Spec.Name;

    /// <summary>Pinning requested by the object.</summary>
    public MapPinning Pinning { get; }

    /// <summary>For data sections: the value written at key 0 before programs load (patchable).</summary>
    public byte[]? Contents { get; }

    /// <summary>True for <c>.rodata</c>: frozen after its contents are written so the verifier can trust it.</summary>
    public bool Freeze { get; }

    /// <summary>The data section this map holds (<c>.rodata</c>...), or null for a <c>.maps</c> map.</summary>
    public string? DataSection { get; }

    /// <summary>
    /// The object's BTF type of the keys (<c>__type(key, T)</c>), 0 when the definition gives only a size or the map
    /// has no key type (a data section).
    /// </summary>
    public uint BtfKeyType { get; init; }

    /// <summary>The BTF type of the values (<c>__type(value, T)</c>, or a data section's DATASEC); 0 when not given.</summary>
    public uint BtfValueType { get; init; }
}

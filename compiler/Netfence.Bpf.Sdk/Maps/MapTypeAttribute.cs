namespace Netfence.Bpf.Sdk;

/// <summary>The kernel's bpf_map_type number of an SDK map class.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class MapTypeAttribute(int type) : Attribute
{
    /// <summary>The map type, e.g. 1 for BPF_MAP_TYPE_HASH.</summary>
    public int Type { get; } = type;
}

namespace Netfence.Bpf.Sdk;

/// <summary>
/// The map's name in the object when it is not the field's: its symbol, the name the kernel shows and, with
/// <see cref="MapPinning.ByName"/>, the pin name that programs of other objects and user space share it by. At most
/// 15 characters of letters, digits, '_' and '.', the kernel's limit for object names.
/// </summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class MapNameAttribute(string name) : Attribute
{
    /// <summary>The name.</summary>
    public string Name { get; } = name;
}

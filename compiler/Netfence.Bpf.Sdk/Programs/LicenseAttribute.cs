namespace Netfence.Bpf.Sdk;

/// <summary>
/// The license string the compiler writes into the object's "license" section. Without one the license is
/// <see cref="Default"/>: GPL-only helpers (ringbuf, ktime_get_boot_ns among others) need a GPL-compatible license.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class, Inherited = false)]
public sealed class LicenseAttribute(string name = LicenseAttribute.Default) : Attribute
{
    /// <summary>The license used when none is declared.</summary>
    public const string Default = "GPL";

    /// <summary>The license string.</summary>
    public string Name { get; } = name;
}

namespace Netfence.Policy.Modes;

/// <summary>Where a filter is attached; numbered like the protocol's <c>AttachmentType</c>.</summary>
public enum AttachmentType
{
    /// <summary>Not a type; never stored.</summary>
    Unspecified = 0,
    /// <summary>A network interface, filtered with TC.</summary>
    Tc = 1,
    /// <summary>A cgroup v2 directory.</summary>
    Cgroup = 2,
}

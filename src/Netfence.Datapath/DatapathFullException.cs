namespace Netfence.Datapath;

/// <summary>
/// A shared map has no room for what an update needs (pitfall 13). The update did not take effect: the attachment
/// keeps enforcing what it enforced before. Callers turn this into a visible error (for DNS: SERVFAIL).
/// </summary>
public sealed class DatapathFullException : Exception
{
    /// <summary>Creates the error for <paramref name="mapName"/> and the attachment the update was for.</summary>
    public DatapathFullException(string mapName, uint capacity, AttachmentTarget target, Exception? inner = null)
        : base($"the datapath map '{mapName}' is full ({capacity} entries) while updating {target}; the update was not applied", inner)
    {
        MapName = mapName;
        Capacity = capacity;
        Target = target;
    }

    /// <summary>The full map.</summary>
    public string MapName { get; }

    /// <summary>Its capacity.</summary>
    public uint Capacity { get; }

    /// <summary>The attachment whose update failed.</summary>
    public AttachmentTarget Target { get; }
}

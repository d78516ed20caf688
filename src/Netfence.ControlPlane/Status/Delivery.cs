namespace Netfence.ControlPlane.Status;

/// <summary>How far an attachment's desired state has got.</summary>
public enum Delivery
{
    /// <summary>No desired state is known yet, or it has not been sent.</summary>
    NotSent = 0,
    /// <summary>Sent on the daemon's stream; the daemon has not confirmed it. A v1 daemon, which never
    /// sends CommandResult, stays here.</summary>
    Sent = 1,
    /// <summary>The daemon acknowledged the desired version, or reported it as applied when it resynced.</summary>
    Applied = 2,
    /// <summary>The daemon rejected the desired version (see <see cref="AttachmentSnapshot.LastResult"/>).</summary>
    Rejected = 3,
}

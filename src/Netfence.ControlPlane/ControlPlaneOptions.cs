namespace Netfence.ControlPlane;

/// <summary>Settings of the control-plane SDK.</summary>
public sealed class ControlPlaneOptions
{
    /// <summary>
    /// The longest a policy source may take to resolve one attachment. It must stay below the daemon's
    /// subscribe timeout (5 s by default) so that a slow source blocks the attachment instead of
    /// failing the Attach call.
    /// </summary>
    public TimeSpan ResolveTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How many attachments a resync or a policy change resolves at once.</summary>
    public int ResolveParallelism { get; set; } = 8;

    /// <summary>The clock used for timestamps in the status API.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;
}

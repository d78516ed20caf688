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

    /// <summary>
    /// The largest message, in bytes, the Connect and QueryDns calls receive from a daemon or send to it. A command
    /// carries all of an attachment's rules (a BulkUpdate or SubscribedAck) and a SyncRequest every attachment of a
    /// daemon, so gRPC's own 4 MiB limit is too small. The default, 128 MiB, holds a BulkUpdate of 1,000,000 CIDRs
    /// twice over and equals netfenced's default control_plane.max_message_size; a command larger than the daemon's
    /// limit ends its stream.
    /// </summary>
    public int MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>The default of <see cref="MaxMessageSize"/>: 128 MiB.</summary>
    public const int DefaultMaxMessageSize = 128 << 20;

    /// <summary>The clock used for timestamps in the status API.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;
}

using Netfence.Protocol.V1;

namespace Netfence.Daemon.ControlPlane;

/// <summary>What the control-plane link needs from the daemon: the state to sync, the counters to report, and
/// somewhere to apply the commands it receives.</summary>
public interface IAttachmentHost
{
    /// <summary>Every current attachment, sent as SyncRequest.attachments on each (re)connect.</summary>
    IReadOnlyList<Attachment> Snapshot();

    /// <summary>Cumulative counters per attachment, sent in each Heartbeat.</summary>
    IReadOnlyList<AttachmentStats> Stats();

    /// <summary>
    /// Applies one command (every kind but sync_ack, which the link consumes) to the attachment it names, persisting
    /// it (with <see cref="ControlCommand.Version"/> as the attachment's rule_version) and writing the kernel maps
    /// before returning. A subscribed_ack arrives here too, for the attachment whose Attach is waiting in
    /// <see cref="IControlPlaneLink.SubscribeAsync"/>, so the attachment must be known to the host before it
    /// subscribes; it replaces the attachment's whole state, like bulk_update. The link calls this in arrival order per
    /// attachment (a command that follows a subscribed_ack is applied after it) and for several attachments at once.
    /// Never throws for bad input: the result says what was wrong (unknown attachment, malformed CIDR, ...) and the
    /// attachment is left unchanged.
    /// </summary>
    Task<CommandResult> ApplyAsync(ControlCommand command, CancellationToken cancellationToken);
}

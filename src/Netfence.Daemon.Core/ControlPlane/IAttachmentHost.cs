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
    /// Applies one command (every kind but sync_ack and subscribed_ack, which the link consumes) to the attachment it
    /// names, persisting it and writing the kernel maps before returning. Never throws for bad input: the result
    /// says what was wrong (unknown attachment, malformed CIDR, ...) and the attachment is left unchanged.
    /// </summary>
    Task<CommandResult> ApplyAsync(ControlCommand command, CancellationToken cancellationToken);
}

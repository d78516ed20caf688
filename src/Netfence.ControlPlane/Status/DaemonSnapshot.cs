using Netfence.Policy.Metadata;

namespace Netfence.ControlPlane.Status;

/// <summary>One daemon as the control plane knows it at one moment.</summary>
/// <param name="DaemonId">The daemon's stable id.</param>
/// <param name="Hostname">Its host name.</param>
/// <param name="Metadata">Daemon-level labels.</param>
/// <param name="State">Whether its stream is open.</param>
/// <param name="ConnectedAt">When its current (or last) stream synced.</param>
/// <param name="LastSeen">When it last sent anything.</param>
/// <param name="ReportsCommandResults">Whether it has sent a CommandResult (a daemon with the extension); v1 daemons never do.</param>
/// <param name="Attachments">Its attachments.</param>
public sealed record DaemonSnapshot(
    string DaemonId,
    string Hostname,
    AttachmentMetadata Metadata,
    DaemonConnectionState State,
    DateTimeOffset ConnectedAt,
    DateTimeOffset LastSeen,
    bool ReportsCommandResults,
    IReadOnlyList<AttachmentSnapshot> Attachments);

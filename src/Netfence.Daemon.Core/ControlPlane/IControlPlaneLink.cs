using Netfence.Protocol.V1;

namespace Netfence.Daemon.ControlPlane;

/// <summary>
/// netfenced's side of the control-plane stream (protocol.md, "Stream semantics"), as the attachment manager sees
/// it. The implementation owns the connection: sync on every (re)connect, heartbeats, keepalive, reconnect with
/// backoff, TLS. Commands the control plane sends arrive through <see cref="IAttachmentHost"/>.
/// </summary>
public interface IControlPlaneLink
{
    /// <summary>Where the link connects (for DaemonStatus.control_plane_address).</summary>
    string Address { get; }

    /// <summary>The stream's state now.</summary>
    ConnectionState State { get; }

    /// <summary>
    /// Sends <c>Subscribed</c>, waits for the matching <c>SubscribedAck</c> on the same stream, up to the configured
    /// timeout, and applies it through <see cref="IAttachmentHost.ApplyAsync"/> before returning it (so it is ordered
    /// with the commands that follow it, and its version becomes the rule_version). Throws
    /// <see cref="ControlPlaneUnavailableException"/> when the stream is not connected (or breaks while waiting),
    /// <see cref="TimeoutException"/> when no ack arrives in time, and <see cref="SubscribedAckRejectedException"/>
    /// when the host rejected the ack; the caller then rolls the attachment back and calls <see cref="Unsubscribed"/>
    /// with reason ERROR.
    /// </summary>
    Task<SubscribedAck> SubscribeAsync(Subscribed subscribed, CancellationToken cancellationToken);

    /// <summary>
    /// Reports an attachment that ended (DETACHED, REMOVED, ERROR). Never blocks and never loses the report: when
    /// the stream is down it is delivered after the next sync.
    /// </summary>
    void Unsubscribed(string id, UnsubscribeReason reason, string? error);
}

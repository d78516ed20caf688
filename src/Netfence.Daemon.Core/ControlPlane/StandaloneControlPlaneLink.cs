using Netfence.Protocol.V1;

namespace Netfence.Daemon.ControlPlane;

/// <summary>
/// The link when no control plane is configured (<c>control_plane.address</c> unset): always disconnected, so
/// Attach follows <c>attach_without_control_plane</c>. Unsubscribed reports have no one to go to and are not kept.
/// </summary>
public sealed class StandaloneControlPlaneLink : IControlPlaneLink
{
    /// <inheritdoc/>
    public string Address => "";

    /// <inheritdoc/>
    public ConnectionState State => ConnectionState.Disconnected;

    /// <inheritdoc/>
    public Task<SubscribedAck> SubscribeAsync(Subscribed subscribed, CancellationToken cancellationToken) =>
        Task.FromException<SubscribedAck>(new ControlPlaneUnavailableException(
            $"netfenced runs without a control plane (control_plane.address is not set); attachment '{subscribed.Id}' cannot be subscribed"));

    /// <inheritdoc/>
    public void Unsubscribed(string id, UnsubscribeReason reason, string? error)
    {
    }
}

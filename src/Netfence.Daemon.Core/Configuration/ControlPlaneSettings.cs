namespace Netfence.Daemon.Configuration;

/// <summary>The control-plane connection.</summary>
/// <param name="Address">http, https or unix URI, or null to run the built-in control plane in-process.</param>
/// <param name="Tls">TLS options.</param>
/// <param name="SubscribeAckTimeout">How long Attach waits for SubscribedAck.</param>
/// <param name="SyncAckTimeout">How long a (re)connect waits for SyncAck before it retries.</param>
/// <param name="HeartbeatInterval">How often Heartbeat is sent.</param>
/// <param name="KeepaliveInterval">HTTP/2 ping interval.</param>
/// <param name="KeepaliveTimeout">How long a ping may go unanswered.</param>
/// <param name="ReconnectBackoffInitial">The first reconnection delay.</param>
/// <param name="ReconnectBackoffMax">The longest reconnection delay.</param>
/// <param name="PolicyFile">
/// The YAML policy of the control plane netfenced runs itself when <paramref name="Address"/> is null; null for the
/// embedded default policy.
/// </param>
public sealed record ControlPlaneSettings(
    Uri? Address,
    TlsSettings Tls,
    TimeSpan SubscribeAckTimeout,
    TimeSpan SyncAckTimeout,
    TimeSpan HeartbeatInterval,
    TimeSpan KeepaliveInterval,
    TimeSpan KeepaliveTimeout,
    TimeSpan ReconnectBackoffInitial,
    TimeSpan ReconnectBackoffMax,
    string? PolicyFile = null);

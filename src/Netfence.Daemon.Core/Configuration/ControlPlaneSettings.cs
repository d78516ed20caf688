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
/// <param name="MaxMessageSize">
/// The largest message, in bytes, netfenced accepts from the control plane or sends to it (a BulkUpdate or a
/// SubscribedAck with every rule of an attachment; a SyncRequest with every attachment).
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
    string? PolicyFile = null,
    int MaxMessageSize = ControlPlaneSettings.DefaultMaxMessageSize)
{
    /// <summary>
    /// 128 MiB: a BulkUpdate of 1,000,000 rules fits twice over. gRPC's own default (4 MiB) holds about 100,000 IPv6
    /// CIDRs; a CIDREntry is at most 43 characters of CIDR plus a TTL, about 60 bytes on the wire.
    /// </summary>
    public const int DefaultMaxMessageSize = 128 << 20;

    /// <summary>
    /// Parses a message size limit (bytes, or with KiB, MiB, GiB): at least 64 KiB, below which a SyncRequest of a few
    /// attachments would not fit, and at most what gRPC counts in an int.
    /// </summary>
    /// <exception cref="FormatException">The text is not a size or is out of that range.</exception>
    public static int ParseMessageSize(string text)
    {
        var value = Netfence.Policy.Validation.ByteSizeText.Parse(text);
        if (value < 64 << 10 || value > int.MaxValue) throw new FormatException($"{text} is outside the allowed range 64KiB to {int.MaxValue} bytes");
        return (int)value;
    }
}

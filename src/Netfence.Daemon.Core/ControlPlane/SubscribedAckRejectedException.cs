namespace Netfence.Daemon.ControlPlane;

/// <summary>
/// The control plane answered Subscribed with a SubscribedAck the daemon could not apply (a malformed CIDR, an
/// unknown mode, ...). The attachment was left unchanged; the caller rolls it back as for a timeout. The control
/// plane was told the same in a NACK.
/// </summary>
public sealed class SubscribedAckRejectedException(string attachmentId, string field, string error)
    : Exception($"the control plane's SubscribedAck for attachment '{attachmentId}' was rejected: {(field.Length > 0 ? field + ": " : "")}{error}")
{
    /// <summary>The attachment being subscribed.</summary>
    public string AttachmentId { get; } = attachmentId;

    /// <summary>The first bad field inside the command, e.g. <c>subscribed_ack.allow_cidrs[2].cidr</c>.</summary>
    public string Field { get; } = field;

    /// <summary>What was wrong with it.</summary>
    public string Error { get; } = error;
}

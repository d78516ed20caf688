namespace Netfence.Daemon.Attachments;

/// <summary>An attachment operation failed and nothing of it took effect; <see cref="Kind"/> says why.</summary>
public sealed class AttachmentException(AttachmentErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The class of failure.</summary>
    public AttachmentErrorKind Kind { get; } = kind;
}

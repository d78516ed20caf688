namespace Netfence.Daemon.Store;

/// <summary>An attachment with the same id, or the same type and target, is already stored.</summary>
public sealed class AttachmentConflictException : Exception
{
    /// <summary>Creates the error.</summary>
    public AttachmentConflictException(string message) : base(message) { }
}

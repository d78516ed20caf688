namespace Netfence.ControlPlane.Policies;

/// <summary>
/// The user's half of a control plane: decides what each attachment enforces and says when that may
/// have changed. The SDK calls <see cref="ResolveAsync"/> when a daemon subscribes an attachment, when
/// it resyncs, and for every attachment a <see cref="PolicyChange"/> may affect; it then sends the
/// daemon only what differs.
/// </summary>
public interface IPolicySource
{
    /// <summary>
    /// The state <paramref name="attachment"/> should enforce. Called concurrently for different
    /// attachments; must answer well within the daemon's subscribe timeout (5 s by default) because an
    /// Attach call waits for it. A source that throws or exceeds <see cref="ControlPlaneOptions.ResolveTimeout"/>
    /// gets its attachment blocked (on subscribe) or left as it was (on a change).
    /// </summary>
    ValueTask<DesiredState> ResolveAsync(AttachmentContext attachment, CancellationToken cancellationToken);

    /// <summary>
    /// The change feed: each element says which attachments may now resolve differently. The SDK
    /// consumes it from one loop for the lifetime of the host, so a source never has its callbacks run
    /// on its own thread and a burst of changes is handled at the SDK's pace (see <see cref="PolicyChangeFeed"/>
    /// for a ready buffered implementation). A source whose policy never changes returns an empty sequence.
    /// </summary>
    IAsyncEnumerable<PolicyChange> WatchAsync(CancellationToken cancellationToken);
}

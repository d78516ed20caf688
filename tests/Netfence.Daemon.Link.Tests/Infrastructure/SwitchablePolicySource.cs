using System.Collections.Concurrent;
using Netfence.ControlPlane.Policies;

namespace Netfence.Daemon.Link.Tests.Infrastructure;

/// <summary>A policy source for the real control-plane SDK: one desired state per attachment id, changed by the test.</summary>
sealed class SwitchablePolicySource : IPolicySource
{
    readonly ConcurrentDictionary<string, DesiredState> byAttachment = new(StringComparer.Ordinal);
    readonly PolicyChangeFeed feed = new();

    public void Set(string attachmentId, DesiredState state, bool announce = true)
    {
        byAttachment[attachmentId] = state;
        if (announce) feed.Publish(PolicyChange.All("test changed " + attachmentId));
    }

    public ValueTask<DesiredState> ResolveAsync(AttachmentContext attachment, CancellationToken cancellationToken) =>
        ValueTask.FromResult(byAttachment.TryGetValue(attachment.AttachmentId, out var state) ? state : DesiredState.BlockAll);

    public IAsyncEnumerable<PolicyChange> WatchAsync(CancellationToken cancellationToken) => feed.ReadAllAsync(cancellationToken);
}

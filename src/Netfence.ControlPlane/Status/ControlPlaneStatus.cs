using Microsoft.Extensions.Logging;
using Netfence.ControlPlane.Daemons;

namespace Netfence.ControlPlane.Status;

/// <summary>
/// The query API: what every daemon and attachment reported, what was sent and what each daemon
/// acknowledged or rejected, plus events for the same facts. Registered as a singleton by
/// <c>AddNetfenceControlPlane</c>; an operator endpoint or a test reads it.
/// </summary>
public sealed class ControlPlaneStatus
{
    readonly DaemonRegistry registry;
    readonly ILogger<ControlPlaneStatus> logger;

    internal ControlPlaneStatus(DaemonRegistry registry, ILogger<ControlPlaneStatus> logger)
    {
        this.registry = registry;
        this.logger = logger;
    }

    /// <summary>A daemon answered a command (ACK or NACK). Raised on the stream's thread: keep handlers short.</summary>
    public event EventHandler<CommandResultEventArgs>? CommandResultReceived;

    /// <summary>A daemon synced or its stream ended.</summary>
    public event EventHandler<DaemonConnectionEventArgs>? DaemonConnectionChanged;

    /// <summary>A daemon's resync finished; its commands are queued on its stream.</summary>
    public event EventHandler<DaemonResyncedEventArgs>? DaemonResynced;

    /// <summary>A policy change was processed: its commands are queued on their streams.</summary>
    public event EventHandler<PolicyChangeEventArgs>? PolicyChangeProcessed;

    /// <summary>Every daemon seen since this process started, connected or not.</summary>
    public IReadOnlyList<DaemonSnapshot> Daemons =>
        registry.All.Select(d => d.Snapshot()).OrderBy(d => d.DaemonId, StringComparer.Ordinal).ToList();

    /// <summary>The daemon with <paramref name="daemonId"/>, or null.</summary>
    public DaemonSnapshot? FindDaemon(string daemonId) => registry.Find(daemonId)?.Snapshot();

    /// <summary>One attachment, or null.</summary>
    public AttachmentSnapshot? FindAttachment(string daemonId, string attachmentId) =>
        registry.Find(daemonId)?.Attachments.GetValueOrDefault(attachmentId)?.Snapshot();

    /// <summary>Attachments whose metadata has every pair of <paramref name="selector"/> (e.g. <c>vm_id=abc</c>), on any daemon.</summary>
    public IReadOnlyList<AttachmentSnapshot> FindAttachments(IReadOnlyDictionary<string, string> selector) =>
        registry.All.SelectMany(d => d.Attachments.Values)
            .Select(a => a.Snapshot())
            .Where(a => selector.All(p => a.Metadata.TryGetValue(p.Key, out var v) && v == p.Value))
            .OrderBy(a => a.DaemonId, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal)
            .ToList();

    /// <summary>Whether the daemon confirmed that the attachment enforces <paramref name="version"/>.</summary>
    public bool IsEnforcing(string daemonId, string attachmentId, string version) =>
        FindAttachment(daemonId, attachmentId)?.IsEnforcing(version) ?? false;

    internal void OnCommandResult(CommandResultEventArgs args) => Raise(CommandResultReceived, args);

    internal void OnConnectionChanged(DaemonConnectionEventArgs args) => Raise(DaemonConnectionChanged, args);

    internal void OnResynced(DaemonResyncedEventArgs args) => Raise(DaemonResynced, args);

    internal void OnPolicyChangeProcessed(PolicyChangeEventArgs args) => Raise(PolicyChangeProcessed, args);

    // A subscriber's exception must not end a daemon's stream or the change feed.
    void Raise<T>(EventHandler<T>? handler, T args)
    {
        if (handler is null) return;
        foreach (var single in handler.GetInvocationList().Cast<EventHandler<T>>())
        {
            try
            {
                single(this, args);
            }
            catch (Exception e)
            {
                logger.LogError(e, "A {Event} handler failed", typeof(T).Name);
            }
        }
    }
}

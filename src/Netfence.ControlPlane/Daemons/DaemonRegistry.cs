using System.Collections.Concurrent;

namespace Netfence.ControlPlane.Daemons;

/// <summary>Every daemon that has ever synced with this process, by daemon id.</summary>
sealed class DaemonRegistry
{
    readonly ConcurrentDictionary<string, DaemonState> daemons = new(StringComparer.Ordinal);

    public DaemonState GetOrAdd(string daemonId) => daemons.GetOrAdd(daemonId, id => new DaemonState(id));

    public DaemonState? Find(string daemonId) => daemons.GetValueOrDefault(daemonId);

    public IEnumerable<DaemonState> All => daemons.Values;

    /// <summary>
    /// The attachments with <paramref name="attachmentId"/> on connected daemons. QueryDns names only the
    /// attachment, so ids are expected to be unique across daemons (netfenced makes them random).
    /// </summary>
    public IEnumerable<(DaemonState Daemon, AttachmentState Attachment)> FindAttachment(string attachmentId)
    {
        foreach (var daemon in daemons.Values)
        {
            if (daemon.Attachments.TryGetValue(attachmentId, out var attachment)) yield return (daemon, attachment);
        }
    }
}

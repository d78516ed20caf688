using Netfence.Daemon.Configuration;
using Netfence.Daemon.Store;
using Netfence.Policy.Metadata;

namespace Netfence.Daemon.ControlPlane;

/// <summary>Who this daemon is to the control plane: the SyncRequest's daemon_id, hostname and daemon-level metadata.</summary>
/// <param name="DaemonId">Stable across restarts (kept in the store), so a control plane recognises a restarted daemon.</param>
/// <param name="Hostname">The configured host name, or the machine's.</param>
/// <param name="Metadata">Daemon-level labels from the configuration.</param>
public sealed record DaemonIdentity(string DaemonId, string Hostname, AttachmentMetadata Metadata)
{
    /// <summary>The identity from the configuration, with the daemon id created in (or read from) the store.</summary>
    public static DaemonIdentity From(DaemonConfiguration configuration, AttachmentStore store) =>
        new(store.GetOrCreateDaemonId(), configuration.Hostname ?? Environment.MachineName, configuration.Metadata);
}

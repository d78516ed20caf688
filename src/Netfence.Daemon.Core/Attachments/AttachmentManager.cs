using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Netfence.Daemon.Configuration;
using Netfence.Daemon.ControlPlane;
using Netfence.Daemon.Store;
using Netfence.Daemon.Targets;
using Netfence.Policy.Modes;

namespace Netfence.Daemon.Attachments;

/// <summary>
/// The daemon's attachments: Attach, Detach, List and status for the local API; commands, snapshots and counters for
/// the control-plane link (<see cref="IAttachmentHost"/>); learned IPs for the DNS servers; target removals from the
/// watcher; adoption after a restart. Every change is written to the store in one transaction and to the kernel
/// through <see cref="IDatapath"/>. Operations on one attachment are serialised by its gate; different attachments
/// proceed concurrently, and nothing here is per attachment beyond its entry (no thread, no timer, no scan), so
/// 10,000 attachments cost 10,000 entries.
/// </summary>
public sealed partial class AttachmentManager : IAttachmentHost
{
    readonly AttachmentStore _store;
    readonly IDatapath _datapath;
    readonly IAttachmentDns _dns;
    readonly ITargetResolver _resolver;
    readonly IControlPlaneLink? _link;
    readonly ITargetWatcher? _watcher;
    readonly DaemonConfiguration _configuration;
    readonly DnsPortPool _ports;
    readonly ILogger _logger;
    readonly TimeProvider _time;
    readonly LearnedIpGroupCommit _learnedIps;

    readonly ConcurrentDictionary<string, LiveAttachment> _byId = new(StringComparer.Ordinal);
    // Claimed at the start of Attach, so two concurrent attaches of one target cannot both proceed.
    readonly ConcurrentDictionary<(AttachmentType, string), LiveAttachment> _byTarget = new();
    readonly ConcurrentDictionary<WatchedTarget, LiveAttachment> _byIdentity = new();

    /// <summary>Creates the manager; call <see cref="RestoreAsync"/> before serving, then <see cref="RunAsync"/>.</summary>
    /// <param name="store">The open store.</param>
    /// <param name="datapath">The kernel side.</param>
    /// <param name="dns">The DNS servers.</param>
    /// <param name="resolver">Target validation and lookup.</param>
    /// <param name="link">Creates the control-plane stream client for this host (it applies commands here), or null in standalone mode (no control_plane.address).</param>
    /// <param name="watcher">The target watcher, or null when this build has none (vanished targets are then found at the next start).</param>
    /// <param name="configuration">The daemon's configuration.</param>
    /// <param name="logger">Where to log.</param>
    /// <param name="time">The clock (tests).</param>
    public AttachmentManager(AttachmentStore store, IDatapath datapath, IAttachmentDns dns, ITargetResolver resolver,
        Func<IAttachmentHost, IControlPlaneLink>? link, ITargetWatcher? watcher, DaemonConfiguration configuration, ILogger<AttachmentManager> logger, TimeProvider? time = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _datapath = datapath ?? throw new ArgumentNullException(nameof(datapath));
        _dns = dns ?? throw new ArgumentNullException(nameof(dns));
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        _configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
        _watcher = watcher;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? TimeProvider.System;
        _learnedIps = new LearnedIpGroupCommit(store, logger);
        _ports = new DnsPortPool(configuration.Dns.PortRangeStart, configuration.Dns.PortRangeEnd);
        DaemonId = store.GetOrCreateDaemonId();
        _link = link?.Invoke(this);
    }

    /// <summary>The daemon's stable id (SyncRequest.daemon_id).</summary>
    public string DaemonId { get; }

    /// <summary>Whether the daemon runs without a control plane.</summary>
    public bool Standalone => _link is null;

    /// <summary>The control-plane link, when there is one.</summary>
    public IControlPlaneLink? Link => _link;

    /// <summary>How many attachments are in force.</summary>
    public int Count => _byId.Values.Count(a => a.Committed && !a.Ended);

    /// <summary>The DNS ports still free.</summary>
    public int FreeDnsPorts => _ports.FreeCount;

    bool TryGetLive(string id, out LiveAttachment attachment) =>
        _byId.TryGetValue(id, out attachment!) && attachment.Committed && !attachment.Ended;

    // Drops every index of an attachment that ended or never finished attaching.
    void Forget(LiveAttachment attachment)
    {
        attachment.Ended = true;
        _byId.TryRemove(new KeyValuePair<string, LiveAttachment>(attachment.Id, attachment));
        _byTarget.TryRemove(new KeyValuePair<(AttachmentType, string), LiveAttachment>((attachment.Target.Type, attachment.Target.Name), attachment));
        _byIdentity.TryRemove(new KeyValuePair<WatchedTarget, LiveAttachment>(attachment.Target.Identity, attachment));
    }
}

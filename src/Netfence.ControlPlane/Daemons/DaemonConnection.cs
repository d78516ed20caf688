using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Netfence.ControlPlane.Planning;
using Netfence.ControlPlane.Policies;
using Netfence.ControlPlane.Status;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Daemons;

/// <summary>
/// The control plane's side of one Connect stream: applies the daemon's events, in order, to the
/// registry and starts the resolutions they call for. Resolutions run beside the event loop so that
/// one slow policy lookup does not hold up the next Subscribed (each has its own Attach waiting).
/// </summary>
sealed class DaemonConnection(
    DaemonSession session,
    DaemonRegistry registry,
    Reconciler reconciler,
    ControlPlaneStatus status,
    IOptions<ControlPlaneOptions> options,
    ILogger<DaemonConnection> logger)
{
    readonly List<Task> work = [];
    DaemonState? daemon;

    TimeProvider Clock => options.Value.Clock;

    /// <summary>The daemon's id once it has synced, for logs.</summary>
    public string? DaemonId => daemon?.DaemonId;

    /// <exception cref="ProtocolViolationException">The event breaks the protocol; the stream must end.</exception>
    public void Handle(Proto.DaemonEvent e)
    {
        if (e.EventCase == Proto.DaemonEvent.EventOneofCase.Sync)
        {
            OnSync(e.Sync);
            return;
        }
        if (daemon is null)
            throw new ProtocolViolationException(StatusCode.FailedPrecondition,
                $"the first event on a stream must be sync (SyncRequest), not {Name(e)}");
        daemon.Seen(Clock.GetUtcNow());
        switch (e.EventCase)
        {
            case Proto.DaemonEvent.EventOneofCase.Subscribed: OnSubscribed(daemon, e.Subscribed); break;
            case Proto.DaemonEvent.EventOneofCase.Unsubscribed: OnUnsubscribed(daemon, e.Unsubscribed); break;
            case Proto.DaemonEvent.EventOneofCase.Heartbeat: OnHeartbeat(daemon, e.Heartbeat); break;
            case Proto.DaemonEvent.EventOneofCase.CommandResult: OnCommandResult(daemon, e.CommandResult); break;
            default:
                // A newer daemon's event: ignoring it is what the protocol's additive rule promises.
                logger.LogDebug("Daemon {DaemonId} sent an event this control plane does not know; ignored", daemon.DaemonId);
                break;
        }
    }

    void OnSync(Proto.SyncRequest request)
    {
        var report = DaemonEventReader.ReadSync(request);
        if (daemon is not null && daemon.DaemonId != report.DaemonId)
            throw new ProtocolViolationException(StatusCode.InvalidArgument,
                $"sync.daemon_id: '{report.DaemonId}' differs from '{daemon.DaemonId}', which this stream synced as");
        var state = registry.GetOrAdd(report.DaemonId);
        var now = Clock.GetUtcNow();

        // SyncAck first: the daemon must see it before any command, and commands are only queued on a
        // session once it is the daemon's current one.
        session.Send(new Proto.ControlCommand { SyncAck = new Proto.SyncAck() });
        var replaced = state.Connect(session, report.Hostname, report.Metadata, now);
        if (replaced is not null)
        {
            logger.LogInformation("Daemon {DaemonId} reconnected; closing its previous stream", report.DaemonId);
            replaced.Close();
        }
        daemon = state;

        var reported = new List<AttachmentState>(report.Attachments.Count);
        foreach (var a in report.Attachments)
        {
            var context = Context(state, a);
            var attachment = state.Attachments.GetOrAdd(a.Id, _ => new AttachmentState(context));
            attachment.Report(context, a.DnsAddress, a.Mode, a.RuleVersion);
            reported.Add(attachment);
        }
        var current = report.Attachments.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in state.Attachments.Keys.Where(id => !current.Contains(id)).ToList())
            state.Attachments.TryRemove(id, out _);

        logger.LogInformation("Daemon {DaemonId} ({Hostname}) synced with {Count} attachments",
            report.DaemonId, report.Hostname, report.Attachments.Count);
        status.OnConnectionChanged(new DaemonConnectionEventArgs(report.DaemonId, DaemonConnectionState.Connected));
        Start(() => ResyncAsync(state, reported));
    }

    async Task ResyncAsync(DaemonState state, List<AttachmentState> attachments)
    {
        var pushed = new ConcurrentBag<PushedUpdate>();
        await Parallel.ForEachAsync(attachments,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.ResolveParallelism, CancellationToken = session.Ended },
            async (attachment, ct) =>
            {
                if (await reconciler.ReconcileAsync(state, attachment, ct).ConfigureAwait(false) is { } update) pushed.Add(update);
            }).ConfigureAwait(false);
        logger.LogInformation("Resync of daemon {DaemonId}: {Pushed} of {Count} attachments needed an update",
            state.DaemonId, pushed.Count, attachments.Count);
        status.OnResynced(new DaemonResyncedEventArgs(state.DaemonId, attachments.Count,
            pushed.OrderBy(p => p.AttachmentId, StringComparer.Ordinal).ToList()));
    }

    void OnSubscribed(DaemonState state, Proto.Subscribed subscribed)
    {
        var a = DaemonEventReader.ReadSubscribed(subscribed);
        var context = Context(state, a);
        var attachment = state.Attachments.GetOrAdd(a.Id, _ => new AttachmentState(context));
        attachment.Subscribe(context, a.DnsAddress, a.Mode);
        logger.LogInformation("Daemon {DaemonId} subscribed attachment {AttachmentId} ({Target}, {Metadata})",
            state.DaemonId, a.Id, a.Target, a.Metadata);
        Start(() => reconciler.AnswerSubscribedAsync(session, attachment, session.Ended));
    }

    void OnUnsubscribed(DaemonState state, Proto.Unsubscribed unsubscribed)
    {
        var id = DaemonEventReader.ReadUnsubscribed(unsubscribed);
        if (!state.Attachments.TryRemove(id, out _))
        {
            // A repeated or late Unsubscribed is harmless: the attachment is gone either way.
            logger.LogDebug("Daemon {DaemonId} unsubscribed unknown attachment {AttachmentId}", state.DaemonId, id);
            return;
        }
        if (unsubscribed.Reason == Proto.UnsubscribeReason.Error)
            logger.LogWarning("Daemon {DaemonId} dropped attachment {AttachmentId} after an error: {Error}", state.DaemonId, id, unsubscribed.Error);
        else
            logger.LogInformation("Daemon {DaemonId} unsubscribed attachment {AttachmentId} ({Reason})", state.DaemonId, id, unsubscribed.Reason);
    }

    void OnHeartbeat(DaemonState state, Proto.Heartbeat heartbeat)
    {
        var now = Clock.GetUtcNow();
        foreach (var s in heartbeat.Stats)
        {
            if (state.Attachments.TryGetValue(s.Id, out var attachment))
                attachment.Heartbeat(new TrafficStats(s.PacketsAllowed, s.PacketsBlocked, s.DnsQueriesAllowed, s.DnsQueriesBlocked, now));
            else
                logger.LogDebug("Daemon {DaemonId} sent stats for unknown attachment {AttachmentId}", state.DaemonId, s.Id);
        }
    }

    void OnCommandResult(DaemonState state, Proto.CommandResult result)
    {
        var (id, version, accepted, field, error) = DaemonEventReader.ReadCommandResult(result);
        state.SawCommandResult();
        if (!state.Attachments.TryGetValue(id, out var attachment))
        {
            logger.LogDebug("Daemon {DaemonId} answered a command for unknown attachment {AttachmentId}", state.DaemonId, id);
            return;
        }
        var outcome = new CommandOutcome(version, accepted, field, error, Clock.GetUtcNow());
        attachment.Result(outcome);
        if (!accepted)
            logger.LogWarning("Daemon {DaemonId} rejected version {Version} for attachment {AttachmentId}: {Field}: {Error}",
                state.DaemonId, version, id, field, error);
        status.OnCommandResult(new CommandResultEventArgs(state.DaemonId, id, outcome));
    }

    /// <summary>Marks the daemon disconnected (unless a newer stream took over) and waits for this stream's work.</summary>
    public async Task EndAsync()
    {
        if (daemon is not null && daemon.Disconnect(session))
        {
            logger.LogInformation("Daemon {DaemonId} disconnected; its state is kept for its resync", daemon.DaemonId);
            status.OnConnectionChanged(new DaemonConnectionEventArgs(daemon.DaemonId, DaemonConnectionState.Disconnected));
        }
        Task[] pending;
        lock (work) pending = [.. work];
        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Resolutions for a stream that is gone are abandoned by design.
        }
    }

    void Start(Func<Task> step)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await step().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (session.Ended.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                logger.LogError(e, "Handling an event of daemon {DaemonId} failed", daemon?.DaemonId);
            }
        });
        lock (work)
        {
            work.RemoveAll(t => t.IsCompleted);
            work.Add(task);
        }
    }

    static AttachmentContext Context(DaemonState daemon, ReportedAttachment a) =>
        new(daemon.DaemonId, daemon.Hostname, daemon.Metadata, a.Id, a.Target, a.Type, a.Metadata);

    static string Name(Proto.DaemonEvent e) => e.EventCase switch
    {
        Proto.DaemonEvent.EventOneofCase.Subscribed => "subscribed",
        Proto.DaemonEvent.EventOneofCase.Unsubscribed => "unsubscribed",
        Proto.DaemonEvent.EventOneofCase.Heartbeat => "heartbeat",
        Proto.DaemonEvent.EventOneofCase.CommandResult => "command_result",
        _ => "an empty or unknown event",
    };
}

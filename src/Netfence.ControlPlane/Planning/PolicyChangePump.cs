using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Netfence.ControlPlane.Daemons;
using Netfence.ControlPlane.Policies;
using Netfence.ControlPlane.Status;

namespace Netfence.ControlPlane.Planning;

/// <summary>
/// Consumes the policy source's change feed for the lifetime of the host and pushes each change to
/// the connected attachments it covers. Disconnected daemons are skipped: their resync compares
/// against the policy of that moment anyway.
/// </summary>
sealed class PolicyChangePump(
    IPolicySource source,
    DaemonRegistry registry,
    Reconciler reconciler,
    ControlPlaneStatus status,
    IOptions<ControlPlaneOptions> options,
    ILogger<PolicyChangePump> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in source.WatchAsync(stoppingToken).WithCancellation(stoppingToken).ConfigureAwait(false))
                await ApplyAsync(change, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "The policy source's change feed failed; policy changes no longer reach daemons until restart");
        }
    }

    internal async Task ApplyAsync(PolicyChange change, CancellationToken cancellationToken)
    {
        var targets = registry.All
            .Where(d => d.State == DaemonConnectionState.Connected)
            .SelectMany(d => d.Attachments.Values.Select(a => (Daemon: d, Attachment: a)))
            .Where(t => Covers(change, t.Attachment.Context))
            .ToList();
        var pushed = new ConcurrentBag<PushedUpdate>();
        await Parallel.ForEachAsync(targets,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.ResolveParallelism, CancellationToken = cancellationToken },
            async (t, ct) =>
            {
                try
                {
                    if (await reconciler.ReconcileAsync(t.Daemon, t.Attachment, ct).ConfigureAwait(false) is { } update) pushed.Add(update);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // One attachment's failure must not stop the change for the others, nor the feed.
                    logger.LogError(e, "Pushing policy change ({Reason}) to attachment {AttachmentId} on daemon {DaemonId} failed",
                        change.Reason, t.Attachment.Context.AttachmentId, t.Daemon.DaemonId);
                }
            }).ConfigureAwait(false);
        var list = pushed.OrderBy(p => p.DaemonId, StringComparer.Ordinal).ThenBy(p => p.AttachmentId, StringComparer.Ordinal).ToList();
        logger.LogInformation("Policy change ({Reason}): re-resolved {Resolved} attachments, updated {Pushed}", change.Reason, targets.Count, list.Count);
        status.OnPolicyChangeProcessed(new PolicyChangeEventArgs(change.Reason, targets.Count, list));
    }

    bool Covers(PolicyChange change, AttachmentContext attachment)
    {
        try
        {
            return change.Covers(attachment);
        }
        catch (Exception e)
        {
            // Re-resolving one attachment too many costs a lookup; skipping one could leave it stale.
            logger.LogError(e, "The selector of policy change ({Reason}) failed for attachment {AttachmentId}; re-resolving it", change.Reason, attachment.AttachmentId);
            return true;
        }
    }
}

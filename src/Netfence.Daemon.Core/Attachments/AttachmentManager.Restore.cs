using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Netfence.Daemon.Store;
using Proto = Netfence.Protocol.V1;

namespace Netfence.Daemon.Attachments;

public sealed partial class AttachmentManager
{
    /// <summary>
    /// Reconciles the store, the pins and the live targets at start (pitfall 10): attachments whose target still
    /// exists are adopted (their filters never stopped enforcing; nothing that is right is rewritten), those whose
    /// target vanished while the daemon was down are removed and reported REMOVED to the control plane once it is
    /// connected, and pins or map entries no stored attachment owns are removed.
    /// </summary>
    /// <exception cref="StoreException">The store cannot be read; nothing was changed.</exception>
    public async Task<RestoreReport> RestoreAsync(CancellationToken cancellationToken)
    {
        var records = _store.ReadAll().ToList();
        var live = new List<(AttachmentRecord Record, RestoredAttachment Restored)>();
        var removed = new List<(AttachmentRecord Record, string Why)>();
        foreach (var record in records)
        {
            if (!IPEndPoint.TryParse(record.DnsAddress, out var dns) || dns.Port == 0)
                throw new StoreException($"the store {_store.FilePath} holds an invalid DNS address '{record.DnsAddress}' for attachment '{record.Id}'; it was modified outside netfenced or is damaged");
            var target = _resolver.Find(record.Type, record.Target);
            if (target is null)
            {
                removed.Add((record, $"{(record.Type == Policy.Modes.AttachmentType.Tc ? "interface" : "cgroup")} {record.Target} vanished while netfenced was not running"));
                continue;
            }
            live.Add((record, new RestoredAttachment(record.Id, target, record.Rules, _store.GetLearnedIps(record.Id), dns)));
        }

        foreach (var (record, why) in removed)
        {
            _store.Remove(record.Id);
            _logger.LogInformation("attachment {Id}: {Why}; removed", record.Id, why);
            _link?.Unsubscribed(record.Id, Proto.UnsubscribeReason.Removed, why);
        }

        var kernel = _datapath.Restore([.. live.Select(l => l.Restored)]);

        var dnsFailures = new List<string>();
        foreach (var (record, restored) in live)
        {
            var attachment = new LiveAttachment(record.Id, restored.Target, record.Metadata, record.AttachedAt)
            {
                Dns = restored.Dns,
                Rules = record.Rules,
                RuleVersion = record.RuleVersion,
            };
            _ports.Reserve(restored.Dns.Port);
            // Registered before its DNS server is configured: a teaching the stored rules no longer allow (a crash
            // between storing a rule change and revoking what it revokes) is revoked through this manager.
            attachment.Committed = true;
            _byId[record.Id] = attachment;
            _byTarget[(restored.Target.Type, restored.Target.Name)] = attachment;
            _byIdentity[restored.Target.Identity] = attachment;
            try
            {
                await _dns.OpenAsync(record.Id, restored.Dns).ConfigureAwait(false);
                // Every teaching with its whole chain, so that rule changes judge it as before the restart.
                await _dns.RestoreLearnedAsync(record.Id, restored.Learned, cancellationToken).ConfigureAwait(false);
                await _dns.ConfigureAsync(record.Id, record.Rules, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                // The filter keeps enforcing; only name resolution for this workload is down, and it must be visible.
                dnsFailures.Add(record.Id);
                _logger.LogError("attachment {Id} ({Target}): its DNS server cannot listen on {Dns} again: {Error}; its filter still enforces, " +
                    "but its workload cannot resolve names until the address is free and netfenced restarts", record.Id, restored.Target, restored.Dns, e.Message);
            }
            _watcher?.Watch(restored.Target.Identity);
        }

        var report = new RestoreReport(kernel.Unchanged, kernel.Repaired, [.. removed.Select(r => r.Record.Id)], kernel.OrphansRemoved, dnsFailures);
        _logger.LogInformation("restored {Live} attachments ({Unchanged} unchanged, {Repaired} repaired); {Removed} removed with their targets; {Orphans} orphaned pins or entries removed",
            live.Count, report.Unchanged.Count, report.Repaired.Count, report.Removed.Count, report.OrphansRemoved);
        return report;
    }

    /// <summary>
    /// Runs until <paramref name="stopping"/>: sweeps expired learned IPs every <paramref name="sweepInterval"/> and
    /// ends attachments whose targets the watcher reports removed.
    /// </summary>
    public async Task RunAsync(TimeSpan sweepInterval, CancellationToken stopping)
    {
        var removals = _watcher is null ? Task.CompletedTask : WatchRemovalsAsync(stopping);
        using var timer = new PeriodicTimer(sweepInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await SweepAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogError(e, "sweeping expired learned IPs failed");
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        await removals.ConfigureAwait(false);
    }

    async Task WatchRemovalsAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var removal in _watcher!.Removals.ReadAllAsync(stopping).ConfigureAwait(false))
                await TargetRemovedAsync(removal).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Detaches every attachment (reported DETACHED) and removes every pin and map netfenced made: what
    /// <c>netfenced stop --remove-filters</c> asks for. Without it, stopping leaves the filters enforcing.
    /// </summary>
    public async Task RemoveAllAsync()
    {
        foreach (var attachment in _byId.Values.ToList())
        {
            await attachment.Gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (attachment.Committed && !attachment.Ended)
                    await EndAsync(attachment, Proto.UnsubscribeReason.Detached, null).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "detaching {Id} failed", attachment.Id);
            }
            finally
            {
                attachment.Gate.Release();
            }
        }
        _datapath.RemoveEverything();
    }
}

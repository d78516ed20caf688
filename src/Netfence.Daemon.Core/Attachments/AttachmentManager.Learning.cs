using System.Net;
using Microsoft.Extensions.Logging;
using Netfence.Daemon.Store;
using Netfence.Datapath;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Attachments;

public sealed partial class AttachmentManager
{
    // Learning runs on the DNS server's path and never takes the attachment's gate: a command holding the gate waits
    // for the DNS server to apply its configuration, which may itself revoke learned IPs through here.

    /// <summary>
    /// Writes learned IPs to the attachment's kernel rule set, then to the store, before the DNS answer is released
    /// (pitfall 12). A detail says what went wrong otherwise. The store write is a group commit
    /// (<see cref="LearnedIpGroupCommit"/>): answers learning at the same time share one fsync, and each completes
    /// only when its own entries are durable.
    /// </summary>
    public async Task<(LearnOutcome Outcome, string? Detail)> LearnAsync(string id, IReadOnlyList<LearnedIp> entries)
    {
        if (!_byId.TryGetValue(id, out var attachment) || attachment.Ended) return (LearnOutcome.AttachmentGone, $"attachment '{id}' no longer exists");
        if (entries.Count == 0) return (LearnOutcome.Written, null);
        try
        {
            _datapath.Learn(attachment.Target, entries);
        }
        catch (DatapathFullException e)
        {
            return (LearnOutcome.MapFull, e.Message);
        }
        catch (KeyNotFoundException e)
        {
            return (LearnOutcome.AttachmentGone, e.Message);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "writing learned IPs of {Id} to the kernel failed", id);
            return (LearnOutcome.Error, e.Message);
        }
        try
        {
            if (!await _learnedIps.SubmitAsync(LearnedIpChange.Learn(id, entries)).ConfigureAwait(false))
                return (LearnOutcome.AttachmentGone, $"attachment '{id}' is no longer stored");
        }
        catch (StoreException e)
        {
            // In the kernel but not stored: a restart would lose it, so the client must not count on it.
            return (LearnOutcome.Error, e.Message);
        }
        return (LearnOutcome.Written, null);
    }

    /// <summary>
    /// Revokes learned addresses no allowed name vouches for any more: from the store first (through the group commit,
    /// after any learn submitted before it), then from the kernel.
    /// </summary>
    public async Task<(LearnOutcome Outcome, string? Detail)> UnlearnAsync(string id, IReadOnlyList<IPAddress> addresses)
    {
        if (!_byId.TryGetValue(id, out var attachment) || attachment.Ended) return (LearnOutcome.AttachmentGone, $"attachment '{id}' no longer exists");
        if (addresses.Count == 0) return (LearnOutcome.Written, null);
        try
        {
            await _learnedIps.SubmitAsync(LearnedIpChange.Forget(id, addresses)).ConfigureAwait(false);
            _datapath.Forget(attachment.Target, addresses);
            return (LearnOutcome.Written, null);
        }
        catch (KeyNotFoundException e)
        {
            return (LearnOutcome.AttachmentGone, e.Message);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "revoking learned IPs of {Id} failed", id);
            return (LearnOutcome.Error, e.Message);
        }
    }

    // Whether a name still vouches for the address: in the store, or in a learn that is in the kernel and on its way there.
    bool StillLearned(string id, IPAddress address) => _learnedIps.IsPending(id, address) || _store.HasLearnedAddress(id, address);

    /// <summary>
    /// Removes expired learned IPs: those the DNS servers track, and those only the store knows (learned before a
    /// restart). The datapath already ignores an expired entry; this frees its space.
    /// </summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        await _dns.SweepAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ExpiredLearnedIp> expired;
        try
        {
            expired = _store.RemoveExpiredLearnedIps(_time.GetUtcNow());
        }
        catch (StoreException e)
        {
            _logger.LogError("sweeping expired learned IPs failed: {Error}", e.Message);
            return;
        }
        foreach (var group in expired.GroupBy(e => e.AttachmentId))
        {
            if (!_byId.TryGetValue(group.Key, out var attachment) || attachment.Ended) continue;
            var addresses = group.Select(e => e.Entry.Address).Distinct().Where(a => !StillLearned(group.Key, a)).ToList();
            try
            {
                if (addresses.Count > 0) _datapath.Forget(attachment.Target, addresses);
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
            {
                // Detached meanwhile.
            }
        }
    }
}

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
    /// Writes learned IPs to the attachment's kernel rule set (<paramref name="entries"/>: each address with its longest
    /// expiry), then the teachings behind them to the store (<paramref name="taught"/>: each address through each chain of
    /// names, with its own expiry, so that a restart judges them on the same chains), before the DNS answer is released
    /// (pitfall 12). A detail says what went wrong otherwise. The store write is a group commit
    /// (<see cref="LearnedIpGroupCommit"/>): answers learning at the same time share one fsync, and each completes
    /// only when its own entries are durable. A rewrite of expiries has no teachings: it changes only the kernel.
    /// </summary>
    public async Task<(LearnOutcome Outcome, string? Detail)> LearnAsync(string id, IReadOnlyList<LearnedIp> entries, IReadOnlyList<LearnedIp> taught)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(taught);
        if (!_byId.TryGetValue(id, out var attachment) || attachment.Ended) return (LearnOutcome.AttachmentGone, $"attachment '{id}' no longer exists");
        if (entries.Count == 0) return (LearnOutcome.Written, null);
        // Before the kernel write, so that a teaching the store cannot keep changes nothing.
        LearnedIpChange? change;
        try
        {
            change = taught.Count == 0 ? null : LearnedIpChange.Learn(id, taught);
        }
        catch (ArgumentException e)
        {
            return (LearnOutcome.Error, e.Message);
        }
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
        if (change is null) return (LearnOutcome.Written, null);
        try
        {
            if (!await _learnedIps.SubmitAsync(change).ConfigureAwait(false))
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
    /// Revokes learned addresses no allowed name vouches for any more, and forgets the <paramref name="withdrawn"/>
    /// teachings of addresses other teachings keep: from the store first (through the group commit, after any learn
    /// submitted before it), then the addresses from the kernel.
    /// </summary>
    public async Task<(LearnOutcome Outcome, string? Detail)> UnlearnAsync(string id, IReadOnlyList<IPAddress> addresses, IReadOnlyList<LearnedIp> withdrawn)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(withdrawn);
        if (!_byId.TryGetValue(id, out var attachment) || attachment.Ended) return (LearnOutcome.AttachmentGone, $"attachment '{id}' no longer exists");
        if (addresses.Count == 0 && withdrawn.Count == 0) return (LearnOutcome.Written, null);
        try
        {
            await _learnedIps.SubmitAsync(LearnedIpChange.Forget(id, addresses, withdrawn)).ConfigureAwait(false);
            if (addresses.Count > 0) _datapath.Forget(attachment.Target, addresses);
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
    /// Removes expired learned IPs: those the DNS servers track, then the store's expired teachings (a DNS server reports
    /// only the addresses left without any teaching; the store drops each expired teaching itself). The datapath already
    /// ignores an expired entry; this frees its space.
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

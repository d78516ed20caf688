using System.Net;
using Microsoft.Extensions.Logging;
using Netfence.Daemon.Store;

namespace Netfence.Daemon.Attachments;

/// <summary>
/// Group commit of learned IPs: DNS answers waiting for their IPs to be durable share one store transaction, so one
/// fsync, instead of one each. There is no waiting window: a change submitted while no commit runs is committed at
/// once (an idle daemon adds no latency); changes submitted while a commit (its fsync) is under way queue up and go
/// together in the next one. Each caller is released only when its own change is durable, with its own outcome.
/// </summary>
/// <remarks>
/// Changes are applied in the order they were submitted, within and across transactions, so a revocation submitted
/// after a learn of the same address is applied after it. Until a learn is durable its addresses count as learned
/// for <see cref="IsPending"/>: a sweep deciding whether an address is still vouched for must see an answer whose IPs
/// are in the kernel but still on their way to the store. If a transaction of several changes fails, each change is
/// retried alone, so that one bad change (its attachment removed meanwhile) fails only its own answer.
/// </remarks>
public sealed class LearnedIpGroupCommit(ILearnedIpStore store, ILogger logger)
{
    readonly Lock _gate = new();
    List<Waiter> _queue = [];
    // Upserts submitted and not yet durable, per (attachment, address): what IsPending answers from.
    readonly Dictionary<(string, IPAddress), int> _pending = [];
    bool _committing;

    sealed record Waiter(LearnedIpChange Change, TaskCompletionSource<bool> Done);

    /// <summary>
    /// Makes <paramref name="change"/> durable together with whatever else is waiting. Completes with false for an
    /// upsert whose attachment is not stored, true otherwise; fails with the <see cref="StoreException"/> of its commit.
    /// </summary>
    public Task<bool> SubmitAsync(LearnedIpChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        // Completed off the committing thread, so a caller's continuation cannot delay the next group.
        var waiter = new Waiter(change, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _queue.Add(waiter);
            if (change.Upsert is { } entries)
            {
                foreach (var entry in entries) _pending[(change.AttachmentId, entry.Address)] = _pending.GetValueOrDefault((change.AttachmentId, entry.Address)) + 1;
            }
            start = !_committing;
            _committing = true;
        }
        if (start) _ = Task.Run(CommitLoop);
        return waiter.Done.Task;
    }

    /// <summary>Whether a submitted learn of <paramref name="address"/> for the attachment is not durable yet.</summary>
    public bool IsPending(string attachmentId, IPAddress address)
    {
        lock (_gate) return _pending.ContainsKey((attachmentId, address));
    }

    void CommitLoop()
    {
        while (true)
        {
            List<Waiter> group;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _committing = false;
                    return;
                }
                group = _queue;
                _queue = [];
            }
            Commit(group);
            lock (_gate)
            {
                foreach (var waiter in group)
                {
                    if (waiter.Change.Upsert is not { } entries) continue;
                    foreach (var entry in entries)
                    {
                        var key = (waiter.Change.AttachmentId, entry.Address);
                        if (_pending.TryGetValue(key, out int count) && count > 1) _pending[key] = count - 1;
                        else _pending.Remove(key);
                    }
                }
            }
        }
    }

    void Commit(List<Waiter> group)
    {
        try
        {
            var applied = store.CommitLearnedIps(group.ConvertAll(w => w.Change));
            for (int i = 0; i < group.Count; i++) group[i].Done.TrySetResult(applied[i]);
            return;
        }
        catch (Exception e) when (group.Count > 1)
        {
            logger.LogWarning("committing {Count} learned-IP changes together failed ({Error}); committing them one by one", group.Count, e.Message);
        }
        catch (Exception e)
        {
            group[0].Done.TrySetException(e);
            return;
        }
        foreach (var waiter in group)
        {
            try
            {
                waiter.Done.TrySetResult(store.CommitLearnedIps([waiter.Change])[0]);
            }
            catch (Exception e)
            {
                waiter.Done.TrySetException(e);
            }
        }
    }
}

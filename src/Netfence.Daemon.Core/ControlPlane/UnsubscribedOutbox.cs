using Netfence.Protocol.V1;

namespace Netfence.Daemon.ControlPlane;

/// <summary>
/// Unsubscribed reports that have not been written to a stream yet. A report stays here until a write of it
/// succeeds, so one made while the stream is down, or while it breaks, is delivered after the next SyncAck.
/// </summary>
/// <remarks>
/// <para>Why replaying after the sync is still worth it: the SyncRequest already omits an attachment that ended, and
/// that omission is what tells a control plane to forget it. What the omission cannot say is <em>why</em> it ended:
/// a target that vanished (REMOVED) is the signal for a control plane to clean up the workload's records, a local
/// detach (DETACHED) is routine, and ERROR carries the reason a subscribe was rolled back. The replay carries that.</para>
/// <para>Policy when full (<see cref="Capacity"/> reports, one per attachment: a second report for the same id
/// replaces the first): the oldest DETACHED report is dropped first, because the local orchestrator asked for that
/// detach and the sync's omission says everything about it a control plane acts on. Only when every queued report
/// is REMOVED or ERROR is the oldest of those dropped. Every drop is counted in <see cref="Dropped"/> and logged by
/// the link. The capacity is far above the attachments a host can have (10,000), so a drop means far more attachments
/// ended during one outage than could exist at once.</para>
/// </remarks>
sealed class UnsubscribedOutbox(int capacity = UnsubscribedOutbox.DefaultCapacity)
{
    /// <summary>The default bound: ten times the attachments one host is designed for.</summary>
    public const int DefaultCapacity = 100_000;

    readonly Lock gate = new();
    // Insertion order is delivery order; the dictionary finds an id's entry to replace it.
    readonly LinkedList<Unsubscribed> order = new();
    readonly Dictionary<string, LinkedListNode<Unsubscribed>> byId = new(StringComparer.Ordinal);
    long dropped;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be positive");

    /// <summary>Reports dropped because the outbox was full, since the link started.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    public int Count
    {
        get
        {
            lock (gate) return order.Count;
        }
    }

    /// <summary>Queues a report; returns the report dropped to make room, if any.</summary>
    public Unsubscribed? Add(Unsubscribed report)
    {
        lock (gate)
        {
            if (byId.Remove(report.Id, out var existing)) order.Remove(existing);
            Unsubscribed? evicted = null;
            if (order.Count >= Capacity)
            {
                var victim = FirstWith(UnsubscribeReason.Detached) ?? order.First!;
                order.Remove(victim);
                byId.Remove(victim.Value.Id);
                evicted = victim.Value;
                Interlocked.Increment(ref dropped);
            }
            byId[report.Id] = order.AddLast(report);
            return evicted;
        }
    }

    /// <summary>The queued reports, oldest first.</summary>
    public IReadOnlyList<Unsubscribed> Pending()
    {
        lock (gate) return [.. order];
    }

    /// <summary>Removes <paramref name="report"/> once written, unless a newer report for the same id replaced it.</summary>
    public void Delivered(Unsubscribed report)
    {
        lock (gate)
        {
            if (byId.TryGetValue(report.Id, out var node) && ReferenceEquals(node.Value, report))
            {
                order.Remove(node);
                byId.Remove(report.Id);
            }
        }
    }

    LinkedListNode<Unsubscribed>? FirstWith(UnsubscribeReason reason)
    {
        for (var node = order.First; node is not null; node = node.Next)
            if (node.Value.Reason == reason) return node;
        return null;
    }
}

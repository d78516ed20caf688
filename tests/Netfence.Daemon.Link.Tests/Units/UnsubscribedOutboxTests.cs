using Netfence.Daemon.ControlPlane;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Units;

public sealed class UnsubscribedOutboxTests
{
    static Unsubscribed Report(string id, UnsubscribeReason reason) => new() { Id = id, Reason = reason };

    [Fact]
    public void When_full_the_oldest_DETACHED_report_goes_first_and_REMOVED_ones_stay()
    {
        var outbox = new UnsubscribedOutbox(capacity: 3);
        outbox.Add(Report("removed-1", UnsubscribeReason.Removed));
        outbox.Add(Report("detached-1", UnsubscribeReason.Detached));
        outbox.Add(Report("error-1", UnsubscribeReason.Error));

        var evicted = outbox.Add(Report("removed-2", UnsubscribeReason.Removed));

        Assert.Equal("detached-1", evicted?.Id);
        Assert.Equal(["removed-1", "error-1", "removed-2"], outbox.Pending().Select(r => r.Id));
        Assert.Equal(1, outbox.Dropped);
    }

    [Fact]
    public void Only_when_nothing_but_REMOVED_and_ERROR_is_queued_does_the_oldest_of_those_go()
    {
        var outbox = new UnsubscribedOutbox(capacity: 2);
        outbox.Add(Report("a", UnsubscribeReason.Removed));
        outbox.Add(Report("b", UnsubscribeReason.Error));

        Assert.Equal("a", outbox.Add(Report("c", UnsubscribeReason.Removed))?.Id);
        Assert.Equal(["b", "c"], outbox.Pending().Select(r => r.Id));
    }

    [Fact]
    public void A_second_report_for_an_attachment_replaces_the_first_and_a_stale_delivery_does_not_remove_it()
    {
        var outbox = new UnsubscribedOutbox(capacity: 10);
        var first = Report("a", UnsubscribeReason.Error);
        outbox.Add(first);
        var second = Report("a", UnsubscribeReason.Removed);
        outbox.Add(second);

        outbox.Delivered(first);
        Assert.Equal([UnsubscribeReason.Removed], outbox.Pending().Select(r => r.Reason));
        outbox.Delivered(second);
        Assert.Equal(0, outbox.Count);
        Assert.Equal(0, outbox.Dropped);
    }
}

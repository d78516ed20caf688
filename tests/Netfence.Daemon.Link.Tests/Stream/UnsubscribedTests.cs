using Netfence.Daemon.Link.Tests.Infrastructure;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Stream;

public sealed class UnsubscribedTests
{
    [Fact]
    public async Task Unsubscribed_is_sent_at_once_while_connected()
    {
        var service = new ScriptedControlPlane();
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath()));
        await using var test = TestLink.Start(server.Address);
        await test.ConnectedAsync();
        var stream = await service.NextStreamAsync();

        test.Link.Unsubscribed("att-1", UnsubscribeReason.Detached, null);

        var e = (await stream.WaitForAsync(DaemonEvent.EventOneofCase.Unsubscribed)).Unsubscribed;
        Assert.Equal(("att-1", UnsubscribeReason.Detached, ""), (e.Id, e.Reason, e.Error));
        await Wait.UntilAsync(() => test.Link.QueuedUnsubscribed == 0, "the report to leave the queue");
    }

    [Fact]
    public async Task Reports_made_while_down_are_delivered_after_the_next_SyncAck_in_order()
    {
        var path = TestLink.SocketPath();
        var service = new ScriptedControlPlane();
        var host = new FakeAttachmentHost();
        foreach (var id in new[] { "att-1", "att-2", "att-3" }) host.Add(id);
        await using var test = TestLink.Start(new Uri("unix://" + path), host: host);
        await using (var first = await TestServer.StartAsync(service, new ServerEndpoint.Unix(path)))
        {
            await test.ConnectedAsync();
        }
        await Wait.UntilAsync(() => test.Link.State != ConnectionState.Connected, "the link to notice the control plane is gone");

        host.Remove("att-1");
        test.Link.Unsubscribed("att-1", UnsubscribeReason.Removed, null);
        host.Remove("att-2");
        test.Link.Unsubscribed("att-2", UnsubscribeReason.Error, "SubscribedAck timed out");
        Assert.Equal(2, test.Link.QueuedUnsubscribed);

        service.AnswerSync = false;
        await using var second = await TestServer.StartAsync(service, new ServerEndpoint.Unix(path));
        var stream = await service.NextStreamAsync();
        while (stream.Number == 1) stream = await service.NextStreamAsync();
        var sync = (await stream.WaitForAsync(DaemonEvent.EventOneofCase.Sync)).Sync;
        // The sync already omits the ended attachments; the reports tell why they ended, and only after SyncAck.
        Assert.Equal(["att-3"], sync.Attachments.Select(a => a.Id));
        Assert.Empty(stream.Of(DaemonEvent.EventOneofCase.Unsubscribed));
        await stream.SendAsync(new ControlCommand { SyncAck = new SyncAck() });

        await Wait.UntilAsync(() => stream.Of(DaemonEvent.EventOneofCase.Unsubscribed).Count == 2, "both reports");
        var reports = stream.Of(DaemonEvent.EventOneofCase.Unsubscribed).Select(e => e.Unsubscribed).ToList();
        Assert.Equal([("att-1", UnsubscribeReason.Removed, ""), ("att-2", UnsubscribeReason.Error, "SubscribedAck timed out")],
            reports.Select(r => (r.Id, r.Reason, r.Error)));
        Assert.Equal(DaemonEvent.EventOneofCase.Sync, stream.Received[0].EventCase);
        await Wait.UntilAsync(() => test.Link.QueuedUnsubscribed == 0, "the queue to empty");
    }

    [Fact]
    public async Task A_full_queue_drops_a_DETACHED_report_keeps_the_REMOVED_ones_and_says_so()
    {
        var path = TestLink.SocketPath();
        await using var test = TestLink.Start(new Uri("unix://" + path), outboxCapacity: 2);
        await Wait.UntilAsync(() => test.Link.LastError is not null, "a failed connection attempt");

        test.Link.Unsubscribed("detached", UnsubscribeReason.Detached, null);
        test.Link.Unsubscribed("removed-1", UnsubscribeReason.Removed, null);
        test.Link.Unsubscribed("removed-2", UnsubscribeReason.Removed, null);
        Assert.Equal(1, test.Link.DroppedUnsubscribed);
        Assert.True(test.Log.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "dropped the one for attachment detached (Detached)"));

        var service = new ScriptedControlPlane();
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(path));
        var stream = await service.NextStreamAsync();
        await Wait.UntilAsync(() => stream.Of(DaemonEvent.EventOneofCase.Unsubscribed).Count == 2, "the kept reports");
        Assert.Equal(["removed-1", "removed-2"], stream.Of(DaemonEvent.EventOneofCase.Unsubscribed).Select(e => e.Unsubscribed.Id));
    }
}

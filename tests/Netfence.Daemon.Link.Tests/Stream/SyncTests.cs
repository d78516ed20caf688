using Netfence.Daemon.ControlPlane;
using Netfence.Daemon.Link.Tests.Infrastructure;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Stream;

public sealed class SyncTests
{
    [Fact]
    public async Task The_first_event_is_a_sync_with_the_identity_and_every_attachment_and_the_link_is_connected_only_after_SyncAck()
    {
        var service = new ScriptedControlPlane { AnswerSync = false };
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath()));
        var host = new FakeAttachmentHost();
        host.Add("att-a", "tap-a").RuleVersion = "v7";
        host.Add("att-b", "tap-b");
        await using var test = TestLink.Start(server.Address, host: host);

        var stream = await service.NextStreamAsync();
        var first = await Wait.UntilAsync(() => stream.Received.FirstOrDefault(), "the first event");
        Assert.Equal(DaemonEvent.EventOneofCase.Sync, first.EventCase);
        Assert.Equal("daemon-1", first.Sync.DaemonId);
        Assert.Equal("host-1.test", first.Sync.Hostname);
        Assert.Equal("eu-1", first.Sync.Metadata["zone"]);
        Assert.Equal(["att-a", "att-b"], first.Sync.Attachments.Select(a => a.Id));
        Assert.Equal(["v7", ""], first.Sync.Attachments.Select(a => a.RuleVersion));
        Assert.Equal("tap-a", first.Sync.Attachments[0].Target);

        // Synced but not acknowledged: not connected, and a subscribe is refused rather than sent.
        Assert.Equal(ConnectionState.Connecting, test.Link.State);
        await Assert.ThrowsAsync<ControlPlaneUnavailableException>(() => test.Link.SubscribeAsync(new Subscribed { Id = "att-c" }, CancellationToken.None));

        await stream.SendAsync(new ControlCommand { SyncAck = new SyncAck() });
        await test.ConnectedAsync();
        Assert.Equal(server.Address.ToString(), test.Link.Address);
    }

    [Fact]
    public async Task A_command_before_SyncAck_drops_the_stream_and_the_next_stream_syncs_again()
    {
        var service = new ScriptedControlPlane { AnswerSync = false };
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath()));
        await using var test = TestLink.Start(server.Address);

        var first = await service.NextStreamAsync();
        await first.WaitForAsync(DaemonEvent.EventOneofCase.Sync);
        await first.SendAsync(new ControlCommand { Id = "att-a", SetMode = new SetMode { Mode = PolicyMode.Disabled } });

        var second = await service.NextStreamAsync();
        await second.WaitForAsync(DaemonEvent.EventOneofCase.Sync);
        Assert.Contains("set_mode (for 'att-a') before SyncAck", test.Link.LastError);
        // The out-of-order command was not applied.
        Assert.False(test.Host.Applied.Reader.TryRead(out _));
        await second.SendAsync(new ControlCommand { SyncAck = new SyncAck() });
        await test.ConnectedAsync();
    }

    [Fact]
    public async Task No_SyncAck_within_the_timeout_means_a_new_attempt()
    {
        var service = new ScriptedControlPlane { AnswerSync = false };
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath()));
        await using var test = TestLink.Start(server.Address, s => s with { SyncAckTimeout = TimeSpan.FromMilliseconds(200) });

        await Wait.UntilAsync(() => service.Connects >= 2 && test.Link.LastError is not null, "a second attempt after the timeout");
        Assert.Contains("no SyncAck within 0.2 s (control_plane.sync_ack_timeout)", test.Link.LastError);
        Assert.Equal(0, test.TimesConnected);
    }

    [Fact]
    public async Task An_http_address_works_like_a_unix_socket()
    {
        var service = new ScriptedControlPlane();
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Loopback());
        Assert.Equal("http", server.Address.Scheme);
        await using var test = TestLink.Start(server.Address);

        await test.ConnectedAsync();
        var stream = await service.NextStreamAsync();
        Assert.Equal("daemon-1", (await stream.WaitForAsync(DaemonEvent.EventOneofCase.Sync)).Sync.DaemonId);
    }
}

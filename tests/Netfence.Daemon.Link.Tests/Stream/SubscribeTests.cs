using Grpc.Core;
using Netfence.Daemon.ControlPlane;
using Netfence.Daemon.Link.Tests.Infrastructure;
using Netfence.Protocol.V1;
using PolicyMode = Netfence.Protocol.V1.PolicyMode;

namespace Netfence.Daemon.Link.Tests.Stream;

public sealed class SubscribeTests
{
    static Subscribed Subscribed(string id) => new() { Id = id, Target = "tap-" + id, Type = AttachmentType.Tc, Mode = PolicyMode.BlockAll, DnsMode = DnsMode.Allowlist, DnsAddress = "127.0.0.1:10001" };

    static async Task<(TestServer Server, ScriptedControlPlane Service)> ServeAsync(Func<Subscribed, ControlCommand?>? answer = null)
    {
        var service = new ScriptedControlPlane { AnswerSubscribed = answer };
        return (await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath())), service);
    }

    [Fact]
    public async Task Subscribe_returns_the_ack_once_the_host_applied_it_and_the_control_plane_gets_an_ACK()
    {
        var (server, service) = await ServeAsync(s => ScriptedControlPlane.Ack(s.Id, "v1", PolicyMode.Allowlist, "10.0.0.0/8"));
        await using var serving = server;
        await using var test = TestLink.Start(server.Address);
        await test.ConnectedAsync();
        var stream = await service.NextStreamAsync();
        test.Host.Add("att-1");

        var ack = await test.Link.SubscribeAsync(Subscribed("att-1"), CancellationToken.None);

        Assert.Equal(PolicyMode.Allowlist, ack.Mode);
        // Applied before SubscribeAsync returned: Attach never returns with the filter unconfigured.
        Assert.Equal(Policy.Modes.PolicyMode.Allowlist, test.Host["att-1"].Rules.Mode);
        Assert.Equal("v1", test.Host["att-1"].RuleVersion);
        var subscribed = (await stream.WaitForAsync(DaemonEvent.EventOneofCase.Subscribed)).Subscribed;
        Assert.Equal("127.0.0.1:10001", subscribed.DnsAddress);
        var result = await stream.ResultAsync("att-1", "v1");
        Assert.Equal(CommandStatus.Ack, result.Status);
    }

    [Fact]
    public async Task No_ack_in_time_throws_TimeoutException_and_a_late_ack_is_refused_not_applied()
    {
        var (server, service) = await ServeAsync();
        await using var serving = server;
        await using var test = TestLink.Start(server.Address, s => s with { SubscribeAckTimeout = TimeSpan.FromMilliseconds(300) });
        await test.ConnectedAsync();
        var stream = await service.NextStreamAsync();
        test.Host.Add("att-1");

        var error = await Assert.ThrowsAsync<TimeoutException>(() => test.Link.SubscribeAsync(Subscribed("att-1"), CancellationToken.None));
        Assert.Contains("no SubscribedAck for attachment 'att-1' within 0.3 s", error.Message);

        await stream.SendAsync(ScriptedControlPlane.Ack("att-1", "late"));
        var result = await stream.ResultAsync("att-1", "late");
        Assert.Equal(CommandStatus.Nack, result.Status);
        Assert.Equal("id", result.Field);
        Assert.Contains("no Subscribed for attachment 'att-1' is waiting", result.Error);
        Assert.False(test.Host.Applied.Reader.TryRead(out _));
        Assert.Equal(ConnectionState.Connected, test.Link.State);
    }

    [Fact]
    public async Task A_stream_that_breaks_while_a_subscribe_waits_fails_it_with_ControlPlaneUnavailableException()
    {
        var (server, service) = await ServeAsync();
        await using var serving = server;
        // A timeout far beyond the test's deadline: only the broken stream can end the wait in time.
        await using var test = TestLink.Start(server.Address, s => s with { SubscribeAckTimeout = TimeSpan.FromMinutes(5) });
        await test.ConnectedAsync();
        var stream = await service.NextStreamAsync();

        var subscribe = test.Link.SubscribeAsync(Subscribed("att-1"), CancellationToken.None);
        await stream.WaitForAsync(DaemonEvent.EventOneofCase.Subscribed);
        stream.End(new Status(StatusCode.Unavailable, "node draining"));

        var error = await Assert.ThrowsAsync<ControlPlaneUnavailableException>(() => subscribe.WaitAsync(Wait.Timeout));
        Assert.Contains("ended", error.Message);
        await test.ConnectedAsync(times: 2);
    }

    [Fact]
    public async Task Concurrent_subscribes_each_get_their_own_ack_even_when_answered_in_reverse_order()
    {
        var (server, service) = await ServeAsync();
        await using var serving = server;
        await using var test = TestLink.Start(server.Address);
        await test.ConnectedAsync();
        var stream = await service.NextStreamAsync();
        string[] ids = ["att-1", "att-2", "att-3"];
        foreach (var id in ids) test.Host.Add(id);

        var subscribes = ids.Select(id => test.Link.SubscribeAsync(Subscribed(id), CancellationToken.None)).ToArray();
        await Wait.UntilAsync(() => stream.Of(DaemonEvent.EventOneofCase.Subscribed).Count == 3, "three Subscribed events");
        await stream.SendAsync(ScriptedControlPlane.Ack("att-3", "v3", PolicyMode.Denylist));
        await stream.SendAsync(ScriptedControlPlane.Ack("att-2", "v2", PolicyMode.Disabled));
        await stream.SendAsync(ScriptedControlPlane.Ack("att-1", "v1", PolicyMode.Allowlist));

        var acks = await Task.WhenAll(subscribes).WaitAsync(Wait.Timeout);
        Assert.Equal([PolicyMode.Allowlist, PolicyMode.Disabled, PolicyMode.Denylist], acks.Select(a => a.Mode));
        Assert.Equal(["v1", "v2", "v3"], ids.Select(id => test.Host[id].RuleVersion));
    }

    [Fact]
    public async Task An_ack_the_host_rejects_fails_the_subscribe_naming_the_field_and_the_control_plane_gets_a_NACK()
    {
        var (server, service) = await ServeAsync(s => ScriptedControlPlane.Ack(s.Id, "v1", PolicyMode.Allowlist, "10.0.0.0/8", "10.0.0.300/32"));
        await using var serving = server;
        await using var test = TestLink.Start(server.Address);
        await test.ConnectedAsync();
        var stream = await service.NextStreamAsync();
        test.Host.Add("att-1");

        var error = await Assert.ThrowsAsync<SubscribedAckRejectedException>(() => test.Link.SubscribeAsync(Subscribed("att-1"), CancellationToken.None));
        Assert.Equal("att-1", error.AttachmentId);
        Assert.Contains("allow_cidrs[1]", error.Field);
        Assert.Contains("10.0.0.300", error.Error);
        var result = await stream.ResultAsync("att-1", "v1");
        Assert.Equal(CommandStatus.Nack, result.Status);
        Assert.Equal(error.Field, result.Field);
        Assert.Equal(Policy.Modes.PolicyMode.BlockAll, test.Host["att-1"].Rules.Mode);
    }

    [Fact]
    public async Task Subscribing_while_disconnected_fails_at_once_with_the_reason()
    {
        var path = TestLink.SocketPath();
        await using var test = TestLink.Start(new Uri("unix://" + path));
        await Wait.UntilAsync(() => test.Link.LastError is not null, "a failed connection attempt");

        var error = await Assert.ThrowsAsync<ControlPlaneUnavailableException>(() => test.Link.SubscribeAsync(Subscribed("att-1"), CancellationToken.None));
        Assert.Contains("is not connected", error.Message);
        Assert.Contains("att-1", error.Message);
    }

    [Fact]
    public async Task A_command_that_follows_the_ack_is_applied_after_it()
    {
        var (server, service) = await ServeAsync();
        await using var serving = server;
        await using var test = TestLink.Start(server.Address);
        await test.ConnectedAsync();
        var stream = await service.NextStreamAsync();
        test.Host.Add("att-1");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        test.Host.BeforeApply = c => c.CommandCase == ControlCommand.CommandOneofCase.SubscribedAck ? gate.Task : Task.CompletedTask;

        var subscribe = test.Link.SubscribeAsync(Subscribed("att-1"), CancellationToken.None);
        await stream.WaitForAsync(DaemonEvent.EventOneofCase.Subscribed);
        await stream.SendAsync(ScriptedControlPlane.Ack("att-1", "v1", PolicyMode.Allowlist));
        await stream.SendAsync(new ControlCommand { Id = "att-1", Version = "v2", AllowCidr = new CIDREntry { Cidr = "192.0.2.0/24" } });
        // The ack's apply is held; the allow_cidr behind it must wait, or the ack would overwrite it.
        Assert.Equal(ControlCommand.CommandOneofCase.SubscribedAck, (await test.Host.Applied.Reader.ReadAsync()).CommandCase);
        Assert.False(test.Host.Applied.Reader.TryRead(out _));
        gate.SetResult();

        await subscribe.WaitAsync(Wait.Timeout);
        Assert.Equal(CommandStatus.Ack, (await stream.ResultAsync("att-1", "v2")).Status);
        Assert.Equal(["192.0.2.0/24"], test.Host["att-1"].Rules.AllowCidrs.Select(r => r.Network.ToString()));
        Assert.Equal("v2", test.Host["att-1"].RuleVersion);
    }
}

using Netfence.Daemon.Link.Tests.Infrastructure;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Stream;

public sealed class CommandTests
{
    static async Task<(TestServer Server, ScriptedControlPlane Service, TestLink Test, ScriptedStream Stream)> ConnectAsync(FakeAttachmentHost? host = null)
    {
        var service = new ScriptedControlPlane();
        var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath()));
        var test = TestLink.Start(server.Address, host: host);
        await test.ConnectedAsync();
        return (server, service, test, await service.NextStreamAsync());
    }

    [Fact]
    public async Task Commands_are_applied_in_order_and_each_is_answered_with_its_version()
    {
        var host = new FakeAttachmentHost();
        host.Add("att-1");
        var (server, _, test, stream) = await ConnectAsync(host);
        await using var s = server;
        await using var t = test;

        await stream.SendAsync(new ControlCommand { Id = "att-1", Version = "v1", SetMode = new SetMode { Mode = PolicyMode.Allowlist } });
        await stream.SendAsync(new ControlCommand { Id = "att-1", Version = "v2", AllowCidr = new CIDREntry { Cidr = "10.1.0.0/16" } });
        await stream.SendAsync(new ControlCommand { Id = "att-1", Version = "v3", AllowCidr = new CIDREntry { Cidr = "10.2.0.0/16" } });

        Assert.Equal(CommandStatus.Ack, (await stream.ResultAsync("att-1", "v3")).Status);
        Assert.Equal(["v1", "v2", "v3"], stream.Of(DaemonEvent.EventOneofCase.CommandResult).Select(e => e.CommandResult.Version));
        Assert.Equal(["10.1.0.0/16", "10.2.0.0/16"], host["att-1"].Rules.AllowCidrs.Select(r => r.Network.ToString()));
        Assert.Equal("v3", host["att-1"].RuleVersion);
    }

    [Fact]
    public async Task Bad_commands_get_a_NACK_naming_the_problem_and_the_stream_goes_on()
    {
        var host = new FakeAttachmentHost();
        host.Add("att-1");
        var (server, service, test, stream) = await ConnectAsync(host);
        await using var s = server;
        await using var t = test;

        await stream.SendAsync(new ControlCommand { Id = "ghost", Version = "g1", SetMode = new SetMode { Mode = PolicyMode.Disabled } });
        await stream.SendAsync(new ControlCommand { Id = "att-1", Version = "e1" });
        await stream.SendAsync(new ControlCommand { Id = "", Version = "n1", SetMode = new SetMode { Mode = PolicyMode.Disabled } });
        await stream.SendAsync(new ControlCommand { Id = "att-1", Version = "c1", AllowCidr = new CIDREntry { Cidr = "10.0.0.1/8" } });
        await stream.SendAsync(new ControlCommand { Id = "att-1", Version = "m1", SetMode = new SetMode { Mode = (PolicyMode)99 } });
        await stream.SendAsync(new ControlCommand { Id = "att-1", Version = "ok", SetMode = new SetMode { Mode = PolicyMode.Denylist } });

        var unknown = await stream.ResultAsync("ghost", "g1");
        Assert.Equal((CommandStatus.Nack, "id"), (unknown.Status, unknown.Field));
        Assert.Contains("ghost", unknown.Error);
        var empty = await stream.ResultAsync("att-1", "e1");
        Assert.Equal((CommandStatus.Nack, "command"), (empty.Status, empty.Field));
        Assert.Contains("carries no command", empty.Error);
        var noId = await stream.ResultAsync("", "n1");
        Assert.Equal((CommandStatus.Nack, "id"), (noId.Status, noId.Field));
        Assert.Contains("set_mode must name the attachment", noId.Error);
        var cidr = await stream.ResultAsync("att-1", "c1");
        Assert.Equal(CommandStatus.Nack, cidr.Status);
        Assert.Contains("allow_cidr", cidr.Field);
        Assert.Contains("10.0.0.1/8", cidr.Error);
        var mode = await stream.ResultAsync("att-1", "m1");
        Assert.Equal(CommandStatus.Nack, mode.Status);
        Assert.Contains("99", mode.Error);

        Assert.Equal(CommandStatus.Ack, (await stream.ResultAsync("att-1", "ok")).Status);
        Assert.Equal(Policy.Modes.PolicyMode.Denylist, host["att-1"].Rules.Mode);
        Assert.Equal(1, service.Connects);
        Assert.Equal(1, test.TimesConnected);
    }

    [Fact]
    public async Task A_host_that_throws_yields_a_NACK_not_a_dead_stream()
    {
        var host = new FakeAttachmentHost();
        host.Add("att-1");
        host.BeforeApply = c => c.Version == "boom" ? throw new InvalidOperationException("the map is gone") : Task.CompletedTask;
        var (server, service, test, stream) = await ConnectAsync(host);
        await using var s = server;
        await using var t = test;

        await stream.SendAsync(new ControlCommand { Id = "att-1", Version = "boom", SetMode = new SetMode { Mode = PolicyMode.Disabled } });
        await stream.SendAsync(new ControlCommand { Id = "att-1", Version = "after", SetMode = new SetMode { Mode = PolicyMode.Allowlist } });

        var failed = await stream.ResultAsync("att-1", "boom");
        Assert.Equal(CommandStatus.Nack, failed.Status);
        Assert.Contains("netfenced failed to apply set_mode: the map is gone", failed.Error);
        Assert.Equal(CommandStatus.Ack, (await stream.ResultAsync("att-1", "after")).Status);
        Assert.Equal(1, service.Connects);
    }

    [Fact]
    public async Task A_slow_attachment_does_not_hold_up_another_and_keeps_its_own_order()
    {
        var host = new FakeAttachmentHost();
        host.Add("slow");
        host.Add("fast");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.BeforeApply = c => c.Version == "s1" ? gate.Task : Task.CompletedTask;
        var (server, _, test, stream) = await ConnectAsync(host);
        await using var s = server;
        await using var t = test;

        await stream.SendAsync(new ControlCommand { Id = "slow", Version = "s1", SetMode = new SetMode { Mode = PolicyMode.Allowlist } });
        await stream.SendAsync(new ControlCommand { Id = "slow", Version = "s2", SetMode = new SetMode { Mode = PolicyMode.Denylist } });
        await stream.SendAsync(new ControlCommand { Id = "fast", Version = "f1", SetMode = new SetMode { Mode = PolicyMode.Disabled } });

        Assert.Equal(CommandStatus.Ack, (await stream.ResultAsync("fast", "f1")).Status);
        Assert.DoesNotContain(stream.Of(DaemonEvent.EventOneofCase.CommandResult), e => e.CommandResult.Id == "slow");
        gate.SetResult();
        await stream.ResultAsync("slow", "s2");
        Assert.Equal(["s1", "s2"], stream.Of(DaemonEvent.EventOneofCase.CommandResult).Where(e => e.CommandResult.Id == "slow").Select(e => e.CommandResult.Version));
        Assert.Equal(Policy.Modes.PolicyMode.Denylist, host["slow"].Rules.Mode);
    }

    [Fact]
    public async Task Heartbeats_carry_the_hosts_counters()
    {
        var host = new FakeAttachmentHost();
        host.Add("att-1").Stats = new AttachmentStats { Id = "att-1", PacketsAllowed = 10, PacketsBlocked = 2, DnsQueriesAllowed = 5, DnsQueriesBlocked = 1 };
        host.Add("att-2");
        var service = new ScriptedControlPlane();
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath()));
        await using var test = TestLink.Start(server.Address, s => s with { HeartbeatInterval = TimeSpan.FromMilliseconds(100) }, host);
        var stream = await service.NextStreamAsync();

        var first = (await stream.WaitForAsync(DaemonEvent.EventOneofCase.Heartbeat)).Heartbeat;
        Assert.Equal(["att-1", "att-2"], first.Stats.Select(s => s.Id));
        Assert.Equal((10ul, 2ul, 5ul, 1ul), (first.Stats[0].PacketsAllowed, first.Stats[0].PacketsBlocked, first.Stats[0].DnsQueriesAllowed, first.Stats[0].DnsQueriesBlocked));

        host["att-1"].Stats = new AttachmentStats { Id = "att-1", PacketsAllowed = 11 };
        await stream.WaitForAsync(DaemonEvent.EventOneofCase.Heartbeat, e => e.Heartbeat.Stats[0].PacketsAllowed == 11, "a heartbeat with the new counter");
    }
}

using Grpc.Core;
using Microsoft.Extensions.Logging;
using Netfence.ControlPlane.Policies;
using Netfence.ControlPlane.Status;
using Netfence.ControlPlane.Tests.Infrastructure;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Tests.Sdk;

public sealed class StreamTests
{
    [Fact]
    public async Task Sync_is_answered_with_SyncAck_and_the_daemon_is_visible_as_connected()
    {
        await using var cp = await TestControlPlane.StartAsync(new TestPolicySource());
        await using var daemon = cp.Daemon("host-a", metadata: new() { ["zone"] = "eu-1" });

        await daemon.ConnectAsync();

        var status = cp.Status.FindDaemon("host-a")!;
        Assert.Equal(DaemonConnectionState.Connected, status.State);
        Assert.Equal("host-a.test", status.Hostname);
        Assert.Equal("eu-1", status.Metadata["zone"]);
        Assert.Empty(status.Attachments);
    }

    [Fact]
    public async Task Subscribed_is_answered_on_the_same_stream_with_the_resolved_policy()
    {
        var source = new TestPolicySource();
        var ttl = TimeSpan.FromMinutes(5);
        var web = new DesiredState(PolicyMode.Allowlist,
            [CidrGrant.Parse("10.0.0.0/8"), CidrGrant.Parse("192.0.2.0/24", ttl)], [],
            new DnsPolicy(DnsMode.Allowlist, [DomainRule.Parse("example.com", true, "d"), DomainRule.Parse("*.example.org", false, "d")], [],
                [System.Net.IPEndPoint.Parse("9.9.9.9:53")]));
        source.SetQuietly("abc", web);
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();

        var ack = await daemon.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));

        Assert.Equal(web.Version, ack.Version);
        Assert.Equal(Proto.PolicyMode.Allowlist, ack.SubscribedAck.Mode);
        Assert.Equal(["10.0.0.0/8", "192.0.2.0/24"], ack.SubscribedAck.AllowCidrs.Select(c => c.Cidr));
        Assert.Null(ack.SubscribedAck.AllowCidrs[0].Ttl);
        Assert.Equal(ttl, ack.SubscribedAck.AllowCidrs[1].Ttl.ToTimeSpan());
        Assert.Equal(Proto.DnsMode.Allowlist, ack.SubscribedAck.Dns.Mode);
        Assert.Equal([("*.example.org", false), ("example.com", true)], ack.SubscribedAck.Dns.AllowDomains.Select(d => (d.Domain, d.IncludeSubdomains)));
        Assert.Equal(["9.9.9.9:53"], ack.SubscribedAck.Dns.UpstreamServers);

        // The daemon applied it with its own validation and said so.
        Assert.Equal(web.Version, daemon.Attachment("att-1").RuleVersion);
        var applied = await Wait.UntilAsync(() => cp.Status.FindAttachment("host-a", "att-1") is { Delivery: Delivery.Applied } a ? a : null, "the ACK");
        Assert.True(cp.Status.IsEnforcing("host-a", "att-1", web.Version));
        Assert.Equal("abc", applied.Metadata["vm_id"]);
        Assert.Equal("127.0.0.1:5353", applied.DnsAddress);
        Assert.Single(cp.Status.FindAttachments(TestPolicySource.Vm("abc")));
    }

    [Fact]
    public async Task Many_subscriptions_are_answered_concurrently_while_one_resolution_is_slow()
    {
        var source = new TestPolicySource();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.BeforeResolve = (a, ct) => a.Metadata["vm_id"] == "slow" ? release.Task.WaitAsync(ct) : Task.CompletedTask;
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();

        await daemon.SendAsync(new Proto.DaemonEvent { Subscribed = new Proto.Subscribed { Id = "slow-1", Target = "/sys/fs/cgroup/slow", Type = Proto.AttachmentType.Cgroup, Metadata = { ["vm_id"] = "slow" } } });
        // The fast one is answered although the slow one is still resolving.
        var fast = await daemon.SubscribeAsync("fast-1", TestPolicySource.Vm("fast"));
        Assert.Equal(DesiredState.BlockAll.Version, fast.Version);
        release.SetResult();
        var slow = await daemon.NextAsync();
        Assert.Equal(("slow-1", Proto.ControlCommand.CommandOneofCase.SubscribedAck), (slow.Id, slow.CommandCase));
    }

    [Fact]
    public async Task A_failing_policy_source_blocks_the_new_attachment_and_records_why()
    {
        var source = new TestPolicySource { BeforeResolve = (_, _) => throw new InvalidOperationException("database unreachable") };
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();

        var ack = await daemon.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));

        Assert.Equal(Proto.PolicyMode.BlockAll, ack.SubscribedAck.Mode);
        Assert.Equal(Proto.DnsMode.Allowlist, ack.SubscribedAck.Dns.Mode);
        Assert.Empty(ack.SubscribedAck.Dns.AllowDomains);
        var status = cp.Status.FindAttachment("host-a", "att-1")!;
        Assert.Contains("database unreachable", status.ResolveError);
        Assert.True(cp.Log.Contains(LogLevel.Error, "database unreachable"));
    }

    [Fact]
    public async Task A_policy_source_slower_than_the_resolve_timeout_blocks_the_attachment_in_time()
    {
        var source = new TestPolicySource { BeforeResolve = (_, ct) => Task.Delay(Timeout.Infinite, ct) };
        await using var cp = await TestControlPlane.StartAsync(source, configure: o => o.ResolveTimeout = TimeSpan.FromMilliseconds(200));
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();

        var ack = await daemon.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));

        Assert.Equal(Proto.PolicyMode.BlockAll, ack.SubscribedAck.Mode);
        Assert.Contains("did not answer within", cp.Status.FindAttachment("host-a", "att-1")!.ResolveError);
    }

    [Fact]
    public async Task Heartbeat_stats_and_last_seen_are_visible_per_attachment()
    {
        await using var cp = await TestControlPlane.StartAsync(new TestPolicySource());
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();
        await daemon.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));
        var before = cp.Status.FindDaemon("host-a")!.LastSeen;

        await daemon.HeartbeatAsync(new Proto.AttachmentStats { Id = "att-1", PacketsAllowed = 10, PacketsBlocked = 3, DnsQueriesAllowed = 7, DnsQueriesBlocked = 2 },
            new Proto.AttachmentStats { Id = "unknown", PacketsAllowed = 1 });

        var stats = await Wait.UntilAsync(() => cp.Status.FindAttachment("host-a", "att-1")!.Stats, "heartbeat stats");
        Assert.Equal((10ul, 3ul, 7ul, 2ul), (stats.PacketsAllowed, stats.PacketsBlocked, stats.DnsQueriesAllowed, stats.DnsQueriesBlocked));
        Assert.True(cp.Status.FindDaemon("host-a")!.LastSeen >= before);
    }

    [Fact]
    public async Task Unsubscribed_removes_the_attachment()
    {
        await using var cp = await TestControlPlane.StartAsync(new TestPolicySource());
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();
        await daemon.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));

        await daemon.UnsubscribeAsync("att-1");
        await daemon.UnsubscribeAsync("att-1");

        await Wait.UntilAsync(() => cp.Status.FindAttachment("host-a", "att-1") is null, "the attachment to go");
        Assert.False(daemon.StreamEnded);
    }

    [Fact]
    public async Task Stream_loss_marks_the_daemon_disconnected_and_keeps_its_attachments()
    {
        await using var cp = await TestControlPlane.StartAsync(new TestPolicySource());
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();
        await daemon.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));

        await daemon.DropAsync();

        await Wait.UntilAsync(() => cp.Status.FindDaemon("host-a")!.State == DaemonConnectionState.Disconnected, "the disconnect");
        Assert.NotNull(cp.Status.FindAttachment("host-a", "att-1"));
    }

    [Fact]
    public async Task A_second_stream_from_the_same_daemon_replaces_the_first()
    {
        await using var cp = await TestControlPlane.StartAsync(new TestPolicySource());
        await using var first = cp.Daemon("host-a");
        await using var second = cp.Daemon("host-a");
        await first.ConnectAsync();

        await second.ConnectAsync();

        var status = await first.EndedAsync();
        Assert.Equal(StatusCode.Aborted, status.StatusCode);
        Assert.Equal(DaemonConnectionState.Connected, cp.Status.FindDaemon("host-a")!.State);
        await second.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));
    }

    [Fact]
    public async Task An_event_before_sync_ends_that_stream_with_FailedPrecondition_and_no_other()
    {
        await using var cp = await TestControlPlane.StartAsync(new TestPolicySource());
        await using var good = cp.Daemon("host-good");
        await good.ConnectAsync();
        await using var bad = cp.Daemon("host-bad");
        await bad.OpenAsync();

        await bad.HeartbeatAsync();

        var status = await bad.EndedAsync();
        Assert.Equal(StatusCode.FailedPrecondition, status.StatusCode);
        Assert.Contains("first event on a stream must be sync", status.Detail);
        Assert.True(cp.Log.Contains(LogLevel.Error, "first event on a stream must be sync"));
        await good.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));
    }

    [Theory]
    [InlineData("", "x", "sync.daemon_id: is empty")]
    [InlineData("host-bad", "bad key", "sync.attachments[0].metadata: the key 'bad key' contains ' '")]
    public async Task A_malformed_sync_ends_that_stream_with_InvalidArgument_naming_the_field(string daemonId, string key, string expected)
    {
        await using var cp = await TestControlPlane.StartAsync(new TestPolicySource());
        await using var good = cp.Daemon("host-good");
        await good.ConnectAsync();
        await using var bad = cp.Daemon("host-bad");
        await bad.OpenAsync();
        var sync = new Proto.SyncRequest { DaemonId = daemonId };
        sync.Attachments.Add(new Proto.Attachment { Id = "a", Target = "/sys/fs/cgroup/a", Type = Proto.AttachmentType.Cgroup, Metadata = { [key] = "v" } });

        await bad.SendAsync(new Proto.DaemonEvent { Sync = sync });

        var status = await bad.EndedAsync();
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith(expected, status.Detail);
        Assert.True(cp.Log.Contains(LogLevel.Error, expected));
        Assert.Null(cp.Status.FindDaemon("host-bad"));
        await good.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));
    }

    [Fact]
    public async Task A_subscribed_with_an_unknown_attachment_type_ends_the_stream_naming_the_field()
    {
        await using var cp = await TestControlPlane.StartAsync(new TestPolicySource());
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();

        await daemon.SendAsync(new Proto.DaemonEvent { Subscribed = new Proto.Subscribed { Id = "a", Target = "eth0", Type = (Proto.AttachmentType)7 } });

        var status = await daemon.EndedAsync();
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith("subscribed.type:", status.Detail);
        await Wait.UntilAsync(() => cp.Status.FindDaemon("host-a")!.State == DaemonConnectionState.Disconnected, "the disconnect");
    }
}

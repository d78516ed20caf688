using Netfence.ControlPlane.Policies;
using Netfence.ControlPlane.Tests.Infrastructure;
using Netfence.Policy.Modes;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Tests.Sdk;

public sealed class PolicyChangeTests
{
    /// <summary>
    /// Proves that nothing else is queued for <paramref name="daemon"/>: a fresh subscription's ack travels
    /// the same ordered stream, so any earlier command would arrive before it.
    /// </summary>
    static async Task AssertNothingElseQueued(FakeDaemon daemon, string probeId)
    {
        await daemon.SubscribeAsync(probeId, TestPolicySource.Vm("probe"));
        Assert.Equal(0, daemon.Pending);
    }

    [Fact]
    public async Task A_change_reaches_exactly_the_affected_attachment_as_the_single_command_it_needs()
    {
        var source = new TestPolicySource();
        source.SetQuietly("abc", TestPolicySource.Allow(["10.0.0.0/8"], "example.com"));
        source.SetQuietly("def", TestPolicySource.Allow(["10.0.0.0/8"], "example.com"));
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var hostA = cp.Daemon("host-a");
        await using var hostB = cp.Daemon("host-b");
        await hostA.ConnectAsync();
        await hostB.ConnectAsync();
        await hostA.SubscribeAsync("a-abc", TestPolicySource.Vm("abc"));
        await hostA.SubscribeAsync("a-def", TestPolicySource.Vm("def"));
        await hostB.SubscribeAsync("b-def", TestPolicySource.Vm("def"));
        var next = TestPolicySource.Allow(["10.0.0.0/8", "192.0.2.0/24"], "example.com");
        await Wait.UntilAsync(() => cp.Status.FindAttachment("host-a", "a-abc")!.AppliedVersion is not null ? "" : null, "the first ACK");

        var report = await cp.ChangeAsync(() => source.Set("abc", next));

        var pushed = Assert.Single(report.Pushed);
        Assert.Equal(("host-a", "a-abc", next.Version, "allow_cidr"), (pushed.DaemonId, pushed.AttachmentId, pushed.Version, pushed.Command));
        var command = await hostA.NextAsync();
        Assert.Equal(("a-abc", next.Version), (command.Id, command.Version));
        Assert.Equal("192.0.2.0/24", command.AllowCidr.Cidr);
        Assert.Equal(next.Version, hostA.Attachment("a-abc").RuleVersion);
        await AssertNothingElseQueued(hostA, "probe-a");
        await AssertNothingElseQueued(hostB, "probe-b");
        await Wait.UntilAsync(() => cp.Status.IsEnforcing("host-a", "a-abc", next.Version), "the ACK of the change");
    }

    [Fact]
    public async Task A_change_of_several_fields_is_one_bulk_update_to_every_affected_attachment()
    {
        var source = new TestPolicySource();
        source.SetQuietly("web", TestPolicySource.Allow(["10.0.0.0/8"], "example.com"));
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var hostA = cp.Daemon("host-a");
        await using var hostB = cp.Daemon("host-b");
        await hostA.ConnectAsync();
        await hostB.ConnectAsync();
        await hostA.SubscribeAsync("a-web", TestPolicySource.Vm("web"));
        await hostB.SubscribeAsync("b-web", TestPolicySource.Vm("web"));
        await hostB.SubscribeAsync("b-db", TestPolicySource.Vm("db"));
        var next = new DesiredState(PolicyMode.Denylist, [], [CidrGrant.Parse("203.0.113.0/24")],
            new Policy.Rules.DnsPolicy(DnsMode.Denylist, [], [Policy.Rules.DomainRule.Parse("evil.example", true, "d")], []));

        var report = await cp.ChangeAsync(() => source.Set("web", next));

        Assert.Equal(["a-web", "b-web"], report.Pushed.Select(p => p.AttachmentId));
        Assert.All(report.Pushed, p => Assert.Equal("bulk_update", p.Command));
        foreach (var (daemon, id) in new[] { (hostA, "a-web"), (hostB, "b-web") })
        {
            var command = await daemon.NextAsync();
            Assert.Equal((id, Proto.ControlCommand.CommandOneofCase.BulkUpdate, next.Version), (command.Id, command.CommandCase, command.Version));
            Assert.Equal(Proto.PolicyMode.Denylist, command.BulkUpdate.Mode);
            Assert.Equal(["203.0.113.0/24"], command.BulkUpdate.DenyCidrs.Select(c => c.Cidr));
            Assert.Equal(PolicyMode.Denylist, daemon.Attachment(id).Rules.Mode);
        }
        await AssertNothingElseQueued(hostB, "probe-b");
    }

    [Fact]
    public async Task A_change_that_resolves_to_the_same_state_sends_nothing()
    {
        var source = new TestPolicySource();
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();
        await daemon.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));

        var report = await cp.ChangeAsync(() => source.Touch("nothing really changed"));

        Assert.Equal(1, report.Resolved);
        Assert.Empty(report.Pushed);
        await AssertNothingElseQueued(daemon, "probe");
    }

    [Fact]
    public async Task A_failing_source_during_a_change_leaves_the_attachment_as_it_was()
    {
        var source = new TestPolicySource();
        var before = TestPolicySource.Allow(["10.0.0.0/8"]);
        source.SetQuietly("abc", before);
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();
        await daemon.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));
        source.BeforeResolve = (_, _) => throw new InvalidOperationException("backend down");

        var report = await cp.ChangeAsync(() => source.Set("abc", TestPolicySource.Allow(["192.0.2.0/24"])));

        Assert.Empty(report.Pushed);
        var status = cp.Status.FindAttachment("host-a", "att-1")!;
        Assert.Equal(before.Version, status.DesiredVersion);
        Assert.Contains("backend down", status.ResolveError);
        Assert.Equal(before.Version, daemon.Attachment("att-1").RuleVersion);
    }
}

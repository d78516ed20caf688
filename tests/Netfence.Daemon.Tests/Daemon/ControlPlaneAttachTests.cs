using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Netfence.Policy.Modes;
using Netfence.Protocol.V1;
using PolicyMode = Netfence.Protocol.V1.PolicyMode;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>Attach's Subscribed/SubscribedAck handshake, its failures and rollback, and commands applied through IAttachmentHost.</summary>
public sealed class ControlPlaneAttachTests
{
    static SubscribedAck Allowlist(params string[] cidrs)
    {
        var ack = new SubscribedAck { Mode = PolicyMode.Allowlist };
        foreach (var c in cidrs) ack.AllowCidrs.Add(new CIDREntry { Cidr = c });
        return ack;
    }

    [Fact]
    public async Task Attach_returns_only_after_the_acked_rules_are_in_the_kernel()
    {
        var link = new FakeControlPlane { Answer = _ => Task.FromResult(Allowlist("10.1.0.0/16")) };
        await using var daemon = await InProcessDaemon.StartAsync(controlPlane: link);
        daemon.Targets.AddCgroup("/vm1");
        var request = new AttachRequest { CgroupPath = "/vm1/" };
        request.Metadata["vm"] = "1";
        var response = await daemon.Client.AttachAsync(request);

        var rules = daemon.Datapath.Rules.Single().Value;
        Assert.Equal(Netfence.Policy.Modes.PolicyMode.Allowlist, rules.Mode);
        Assert.Equal("10.1.0.0/16", rules.AllowCidrs.Single().Network.ToString());
        var subscribed = link.Subscriptions.Single();
        Assert.Equal(response.Id, subscribed.Id);
        Assert.Equal("/vm1", subscribed.Target);
        Assert.Equal(response.DnsAddress, subscribed.DnsAddress);
        Assert.Equal("1", subscribed.Metadata["vm"]);
        var listed = (await daemon.Client.ListAsync(new ListRequest())).Attachments.Single();
        Assert.Equal(PolicyMode.Allowlist, listed.Mode);
        // The ack's version is the attachment's rule_version, and it is what a restart restores.
        Assert.Equal(link.AckVersion, Assert.Single(link.Host!.Snapshot()).RuleVersion);
        Assert.Equal(ConnectionState.Connected, (await daemon.Client.GetStatusAsync(new Empty())).ControlPlaneState);
    }

    [Fact]
    public async Task An_unanswered_subscribe_fails_with_deadline_exceeded_and_rolls_everything_back()
    {
        var link = new FakeControlPlane { Answer = _ => Task.FromException<SubscribedAck>(new TimeoutException("no ack")) };
        await using var daemon = await InProcessDaemon.StartAsync(controlPlane: link);
        daemon.Targets.AddCgroup("/slow");
        var e = await Assert.ThrowsAsync<RpcException>(async () => await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = "/slow" }));
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.Contains("subscribe_ack_timeout", e.Status.Detail);
        Assert.Empty(daemon.Datapath.Attached);
        Assert.Equal(0, (await daemon.Client.ListAsync(new ListRequest())).TotalCount);
        var report = Assert.Single(link.Unsubscriptions);
        Assert.Equal(UnsubscribeReason.Error, report.Reason);
        // The DNS port went back to the pool: the next attach gets the first port again.
        link.Answer = _ => Task.FromResult(Allowlist());
        var ok = await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = "/slow" });
        Assert.EndsWith(":" + daemon.Configuration.Dns.PortRangeStart, ok.DnsAddress);
    }

    [Fact]
    public async Task An_invalid_ack_is_a_failed_precondition_naming_the_field()
    {
        var link = new FakeControlPlane { Answer = _ => Task.FromResult(Allowlist("10.0.0.0/8", "300.1.1.1/32")) };
        await using var daemon = await InProcessDaemon.StartAsync(controlPlane: link);
        daemon.Targets.AddCgroup("/bad");
        var e = await Assert.ThrowsAsync<RpcException>(async () => await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = "/bad" }));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("allow_cidrs[1]", e.Status.Detail);
        Assert.Empty(daemon.Datapath.Attached);
    }

    [Fact]
    public async Task An_ack_for_an_attachment_not_waiting_for_one_is_nacked_and_changes_nothing()
    {
        var link = new FakeControlPlane { Answer = _ => Task.FromResult(Allowlist("10.1.0.0/16")) };
        await using var daemon = await InProcessDaemon.StartAsync(controlPlane: link);
        daemon.Targets.AddCgroup("/once");
        var id = (await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = "/once" })).Id;

        var again = await link.Host!.ApplyAsync(new ControlCommand { Id = id, Version = "v9", SubscribedAck = Allowlist() }, CancellationToken.None);

        Assert.Equal(CommandStatus.Nack, again.Status);
        Assert.Equal("subscribed_ack", again.Field);
        Assert.Equal("10.1.0.0/16", daemon.Datapath.Rules.Single().Value.AllowCidrs.Single().Network.ToString());
        Assert.Equal(link.AckVersion, Assert.Single(link.Host.Snapshot()).RuleVersion);
    }

    [Fact]
    public async Task A_disconnected_control_plane_fails_attach_or_attaches_with_the_default_mode_as_configured()
    {
        var link = new FakeControlPlane { State = ConnectionState.Connecting };
        await using (var failing = await InProcessDaemon.StartAsync(controlPlane: link))
        {
            failing.Targets.AddCgroup("/f");
            var e = await Assert.ThrowsAsync<RpcException>(async () => await failing.Client.AttachAsync(new AttachRequest { CgroupPath = "/f" }));
            Assert.Equal(StatusCode.Unavailable, e.StatusCode);
            Assert.Contains("attach_without_control_plane.policy", e.Status.Detail);
            Assert.Empty(failing.Datapath.Attached);
        }
        var other = new FakeControlPlane { State = ConnectionState.Disconnected };
        await using var lenient = await InProcessDaemon.StartAsync(s =>
        {
            s["NETFENCE_ATTACH_WITHOUT_CONTROL_PLANE_POLICY"] = "default";
            s["NETFENCE_ATTACH_WITHOUT_CONTROL_PLANE_DEFAULT_MODE"] = "denylist";
        }, other);
        lenient.Targets.AddCgroup("/g");
        await lenient.Client.AttachAsync(new AttachRequest { CgroupPath = "/g" });
        Assert.Empty(other.Subscriptions);
        Assert.Equal(Netfence.Policy.Modes.PolicyMode.Denylist, lenient.Datapath.Rules.Single().Value.Mode);
    }

    [Fact]
    public async Task Commands_are_applied_persisted_and_bad_ones_are_nacked_naming_the_field()
    {
        var link = new FakeControlPlane { Answer = _ => Task.FromResult(Allowlist()) };
        await using var daemon = await InProcessDaemon.StartAsync(controlPlane: link);
        daemon.Targets.AddCgroup("/c");
        var id = (await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = "/c" })).Id;
        var host = link.Host!;

        var ok = await host.ApplyAsync(new ControlCommand { Id = id, Version = "v2", AllowCidr = new CIDREntry { Cidr = "192.0.2.0/24" } }, CancellationToken.None);
        Assert.Equal(CommandStatus.Ack, ok.Status);
        Assert.Equal("192.0.2.0/24", daemon.Datapath.Rules.Single().Value.AllowCidrs.Single().Network.ToString());

        var bad = await host.ApplyAsync(new ControlCommand { Id = id, AllowCidr = new CIDREntry { Cidr = "192.0.2.1/40" } }, CancellationToken.None);
        Assert.Equal(CommandStatus.Nack, bad.Status);
        Assert.Equal("allow_cidr.cidr", bad.Field);
        Assert.Single(daemon.Datapath.Rules.Single().Value.AllowCidrs);

        var unknown = await host.ApplyAsync(new ControlCommand { Id = "nope", SetMode = new SetMode { Mode = PolicyMode.Disabled } }, CancellationToken.None);
        Assert.Equal(CommandStatus.Nack, unknown.Status);
        Assert.Equal("id", unknown.Field);

        var snapshot = Assert.Single(host.Snapshot());
        Assert.Equal("v2", snapshot.RuleVersion);
        Assert.Equal(id, Assert.Single(host.Stats()).Id);

        // Persisted: a restarted daemon has the command's rules.
        await using var restarted = await daemon.RestartAsync();
        Assert.Equal("192.0.2.0/24", restarted.Datapath.Rules.Single().Value.AllowCidrs.Single().Network.ToString());
    }
}

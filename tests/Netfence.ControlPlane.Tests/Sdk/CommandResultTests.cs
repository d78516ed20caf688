using Netfence.ControlPlane.Status;
using Netfence.ControlPlane.Tests.Infrastructure;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Tests.Sdk;

public sealed class CommandResultTests
{
    [Fact]
    public async Task A_NACK_is_recorded_with_its_field_and_error_and_raised_as_an_event()
    {
        var source = new TestPolicySource();
        var first = TestPolicySource.Allow(["10.0.0.0/8"]);
        source.SetQuietly("abc", first);
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();
        await daemon.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));
        await Wait.UntilAsync(() => cp.Status.IsEnforcing("host-a", "att-1", first.Version), "the first ACK");
        daemon.Reject = c => c.CommandCase == Proto.ControlCommand.CommandOneofCase.AllowCidr ? ("allow_cidr.cidr", "the LPM map is full") : null;
        var results = new List<CommandResultEventArgs>();
        cp.Status.CommandResultReceived += (_, e) => { lock (results) results.Add(e); };
        var rejected = TestPolicySource.Allow(["10.0.0.0/8", "192.0.2.0/24"]);

        await cp.ChangeAsync(() => source.Set("abc", rejected));
        await daemon.NextAsync();

        var status = await Wait.UntilAsync(() => cp.Status.FindAttachment("host-a", "att-1") is { Delivery: Delivery.Rejected } a ? a : null, "the NACK");
        Assert.Equal((rejected.Version, false, "allow_cidr.cidr", "the LPM map is full"),
            (status.LastResult!.Version, status.LastResult.Accepted, status.LastResult.Field, status.LastResult.Error));
        Assert.Equal(first.Version, status.AppliedVersion);
        Assert.True(cp.Status.IsEnforcing("host-a", "att-1", first.Version));
        Assert.False(cp.Status.IsEnforcing("host-a", "att-1", rejected.Version));
        lock (results) Assert.Contains(results, r => r.AttachmentId == "att-1" && !r.Outcome.Accepted && r.Outcome.Field == "allow_cidr.cidr");

        // The next change is planned from what the daemon really holds (the NACK applied nothing).
        daemon.Reject = null;
        var fixedState = TestPolicySource.Allow(["10.0.0.0/8", "198.51.100.0/24"]);
        await cp.ChangeAsync(() => source.Set("abc", fixedState));
        var command = await daemon.NextAsync();
        Assert.Equal("198.51.100.0/24", command.AllowCidr.Cidr);
        await Wait.UntilAsync(() => cp.Status.IsEnforcing("host-a", "att-1", fixedState.Version), "the ACK of the fix");
        Assert.Equal(["10.0.0.0/8", "198.51.100.0/24"], daemon.Attachment("att-1").Rules.AllowCidrs.Select(c => c.Network.ToString()).Order());
    }

    [Fact]
    public async Task A_v1_daemon_that_never_sends_CommandResult_gets_full_updates_recorded_as_sent()
    {
        var source = new TestPolicySource();
        source.SetQuietly("abc", TestPolicySource.Allow(["10.0.0.0/8"]));
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var daemon = cp.Daemon("host-v1", reportsResults: false);
        await daemon.ConnectAsync();
        await daemon.SubscribeAsync("att-1", TestPolicySource.Vm("abc"));
        var next = TestPolicySource.Allow(["10.0.0.0/8", "192.0.2.0/24"]);

        var report = await cp.ChangeAsync(() => source.Set("abc", next));

        // Without confirmations the control plane cannot know the daemon's state, so it never sends a
        // single command that would only be right on top of a known one.
        Assert.Equal("bulk_update", Assert.Single(report.Pushed).Command);
        var command = await daemon.NextAsync();
        Assert.Equal(Proto.ControlCommand.CommandOneofCase.BulkUpdate, command.CommandCase);
        var status = cp.Status.FindAttachment("host-v1", "att-1")!;
        Assert.Equal((Delivery.Sent, next.Version, (string?)null), (status.Delivery, status.SentVersion, status.AppliedVersion));
        Assert.False(cp.Status.FindDaemon("host-v1")!.ReportsCommandResults);
        Assert.False(cp.Status.IsEnforcing("host-v1", "att-1", next.Version));
    }
}

using Netfence.ControlPlane.Status;
using Netfence.ControlPlane.Tests.Infrastructure;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Tests.Sdk;

public sealed class ResyncTests
{
    static async Task<FakeDaemon> DaemonWithThreeAttachmentsAsync(TestControlPlane cp, TestPolicySource source)
    {
        foreach (var vm in new[] { "one", "two", "three" }) source.SetQuietly(vm, TestPolicySource.Allow(["10.0.0.0/8"], vm + ".example.com"));
        var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();
        foreach (var vm in new[] { "one", "two", "three" }) await daemon.SubscribeAsync("att-" + vm, TestPolicySource.Vm(vm));
        await Wait.UntilAsync(() => cp.Status.FindDaemon("host-a")!.Attachments.All(a => a.Delivery == Delivery.Applied), "every ACK");
        return daemon;
    }

    [Fact]
    public async Task A_reconnect_pushes_only_what_changed_while_the_daemon_was_away()
    {
        var source = new TestPolicySource();
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var daemon = await DaemonWithThreeAttachmentsAsync(cp, source);
        await daemon.DropAsync();
        await Wait.UntilAsync(() => cp.Status.FindDaemon("host-a")!.State == DaemonConnectionState.Disconnected, "the disconnect");
        var changed = TestPolicySource.Allow(["10.0.0.0/8"], "two.example.com", "new.example.com");
        source.SetQuietly("two", changed);

        var resync = await cp.ResyncAsync("host-a", daemon.ConnectAsync);

        // The daemon reported the version of "two" it holds, which this process sent: one allow_domain
        // brings it up to date; the others reported the current version and get nothing.
        Assert.Equal(3, resync.Resolved);
        Assert.Equal(("att-two", "allow_domain"), (Assert.Single(resync.Pushed).AttachmentId, resync.Pushed[0].Command));
        var command = await daemon.NextAsync();
        Assert.Equal(("att-two", changed.Version), (command.Id, command.Version));
        Assert.Equal("new.example.com", command.AllowDomain.Domain);
        await daemon.SubscribeAsync("probe", TestPolicySource.Vm("probe"));
        Assert.Equal(0, daemon.Pending);
        await Wait.UntilAsync(() => cp.Status.IsEnforcing("host-a", "att-two", changed.Version), "the ACK");
    }

    [Fact]
    public async Task A_daemon_syncing_with_a_fresh_control_plane_gets_nothing_when_its_versions_match()
    {
        var source = new TestPolicySource();
        FakeDaemon daemon;
        await using (var first = await TestControlPlane.StartAsync(source))
        {
            daemon = await DaemonWithThreeAttachmentsAsync(first, source);
            await daemon.DropAsync();
        }
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var _ = daemon;
        daemon = RebindTo(daemon, cp);
        var changed = TestPolicySource.Allow(["192.0.2.0/24"], "three.example.com");
        source.SetQuietly("three", changed);

        var resync = await cp.ResyncAsync("host-a", daemon.ConnectAsync);

        Assert.Equal(["att-three"], resync.Pushed.Select(p => p.AttachmentId));
        // The new process never sent anything, but the version is a digest of the rules: it knows
        // "one" and "two" are current. "three" differs from a state it cannot reconstruct: bulk update.
        var command = await daemon.NextAsync();
        Assert.Equal(("att-three", Proto.ControlCommand.CommandOneofCase.BulkUpdate, changed.Version), (command.Id, command.CommandCase, command.Version));
        await daemon.SubscribeAsync("probe", TestPolicySource.Vm("probe"));
        Assert.Equal(0, daemon.Pending);
        var status = cp.Status.FindDaemon("host-a")!;
        Assert.Equal(Delivery.Applied, status.Attachments.Single(a => a.Id == "att-one").Delivery);
        Assert.Equal(Delivery.Applied, status.Attachments.Single(a => a.Id == "att-two").Delivery);
    }

    [Fact]
    public async Task A_v1_daemon_reconnecting_gets_a_full_update_for_every_attachment()
    {
        var source = new TestPolicySource();
        source.SetQuietly("one", TestPolicySource.Allow(["10.0.0.0/8"]));
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var daemon = cp.Daemon("host-v1", reportsResults: false);
        await daemon.ConnectAsync();
        await daemon.SubscribeAsync("att-one", TestPolicySource.Vm("one"));
        await daemon.DropAsync();

        await daemon.ConnectAsync();

        var command = await daemon.NextAsync();
        Assert.Equal(("att-one", Proto.ControlCommand.CommandOneofCase.BulkUpdate), (command.Id, command.CommandCase));
    }

    [Fact]
    public async Task Attachments_missing_from_a_resync_are_forgotten()
    {
        var source = new TestPolicySource();
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();
        await daemon.SubscribeAsync("att-1", TestPolicySource.Vm("one"));
        await daemon.SubscribeAsync("att-2", TestPolicySource.Vm("two"));
        await daemon.DropAsync();
        await Wait.UntilAsync(() => cp.Status.FindDaemon("host-a")!.State == DaemonConnectionState.Disconnected, "the disconnect");
        await daemon.UnsubscribeLocallyAsync("att-2");

        await cp.ResyncAsync("host-a", daemon.ConnectAsync);

        Assert.Equal(["att-1"], cp.Status.FindDaemon("host-a")!.Attachments.Select(a => a.Id));
    }

    // The fake daemon's attachments outlive its client: a real daemon keeps its state across control-plane restarts.
    static FakeDaemon RebindTo(FakeDaemon daemon, TestControlPlane cp) => daemon.WithClient(cp.Client);
}

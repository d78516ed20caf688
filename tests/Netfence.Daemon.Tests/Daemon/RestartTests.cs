using Grpc.Core;
using Netfence.Daemon.Hosting;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>A restarted daemon lists what it had, drops what vanished, and refuses a damaged or missing store.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task A_restart_lists_the_same_attachments_and_removes_those_whose_target_vanished()
    {
        var link = new FakeControlPlane();
        await using var first = await InProcessDaemon.StartAsync(controlPlane: link);
        foreach (var name in new[] { "/k0", "/k1", "/gone" }) first.Targets.AddCgroup(name);
        var kept = await first.Client.AttachAsync(new AttachRequest { CgroupPath = "/k0" });
        await first.Client.AttachAsync(new AttachRequest { CgroupPath = "/k1" });
        var gone = await first.Client.AttachAsync(new AttachRequest { CgroupPath = "/gone" });
        var before = await first.Client.ListAsync(new ListRequest());

        first.Targets.RemoveCgroup("/gone");
        await using var second = await first.RestartAsync();
        var after = await second.Client.ListAsync(new ListRequest());
        Assert.Equal(before.Attachments.Where(a => a.Id != gone.Id).ToList(), after.Attachments.ToList());
        Assert.Equal(gone.Id, Assert.Single(second.Host.Restored.Removed));
        Assert.Contains(link.Unsubscriptions, u => u.Id == gone.Id && u.Reason == UnsubscribeReason.Removed);

        // The restored attachment's DNS port stays taken and its DNS server answers again; detach still works.
        var again = await Assert.ThrowsAsync<RpcException>(async () => await second.Client.AttachAsync(new AttachRequest { CgroupPath = "/k0" }));
        Assert.Equal(StatusCode.AlreadyExists, again.StatusCode);
        await second.Client.DetachAsync(new DetachRequest { Id = kept.Id });
    }

    [Fact]
    public async Task A_damaged_store_is_a_clear_startup_error_and_is_left_as_it_was()
    {
        using var directory = new Store.TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, "data"));
        var file = Path.Combine(directory.Path, "data", "netfence.db");
        var garbage = System.Text.Encoding.ASCII.GetBytes(new string('x', 8192));
        File.WriteAllBytes(file, garbage);
        var e = await Assert.ThrowsAsync<StartupException>(() => InProcessDaemon.StartAsync(directory: directory));
        Assert.Contains(file, e.Message);
        Assert.Equal(garbage, File.ReadAllBytes(file));
        Assert.False(File.Exists(Path.Combine(directory.Path, "api.sock")));
    }

    [Fact]
    public async Task A_missing_store_with_pinned_attachments_is_a_clear_startup_error()
    {
        using var directory = new Store.TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, "pins-unused", "links", "0b7a3c1e-attachment"));
        var e = await Assert.ThrowsAsync<StartupException>(() => InProcessDaemon.StartAsync(directory: directory));
        Assert.Contains("netfence.db is missing", e.Message);
        Assert.Contains("1 attachments are pinned", e.Message);
        Assert.False(File.Exists(Path.Combine(directory.Path, "data", "netfence.db")));
    }
}

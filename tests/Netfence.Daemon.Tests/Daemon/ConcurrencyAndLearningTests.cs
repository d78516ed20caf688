using System.Net;
using Grpc.Core;
using Netfence.Daemon.Attachments;
using Netfence.Policy.Rules;
using Netfence.Protocol.V1;
using AttachRequest = Netfence.Protocol.V1.AttachRequest;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>Concurrent attaches, and learned IPs written to the kernel and the store (the DNS servers' path).</summary>
public sealed class ConcurrencyAndLearningTests
{
    [Fact]
    public async Task Concurrent_attaches_of_different_targets_all_succeed_and_of_one_target_exactly_one_does()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        for (int i = 0; i < 20; i++) daemon.Targets.AddCgroup($"/c{i}");
        var different = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => daemon.Client.AttachAsync(new AttachRequest { CgroupPath = $"/c{i}" }).ResponseAsync));
        Assert.Equal(20, different.Select(r => r.DnsAddress).Distinct().Count());

        daemon.Targets.AddCgroup("/same");
        var same = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = "/same/" });
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }));
        Assert.Equal(1, same.Count(c => c == StatusCode.OK));
        Assert.All(same.Where(c => c != StatusCode.OK), c => Assert.Equal(StatusCode.AlreadyExists, c));
        Assert.Equal(21, (await daemon.Client.ListAsync(new ListRequest())).TotalCount);
    }

    [Fact]
    public async Task Learned_ips_reach_the_kernel_and_the_store_and_unlearning_removes_them_from_both()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        daemon.Targets.AddCgroup("/l");
        var id = (await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = "/l" })).Id;
        var target = daemon.Datapath.Rules.Keys.Single();
        var address = IPAddress.Parse("203.0.113.7");
        var until = DateTimeOffset.UtcNow.AddMinutes(5);

        LearnedIp[] learned = [new LearnedIp(address, "example.com", until)];
        var (outcome, _) = await daemon.Host.Manager.LearnAsync(id, learned, learned);
        Assert.Equal(LearnOutcome.Written, outcome);
        Assert.Equal(until, daemon.Datapath.Learned[(target, address)]);
        using (var store = OpenStoreCopy(daemon))
            Assert.Equal(address, Assert.Single(store.GetLearnedIps(id)).Address);

        Assert.Equal(LearnOutcome.Written, (await daemon.Host.Manager.UnlearnAsync(id, [address], [])).Outcome);
        Assert.Empty(daemon.Datapath.Learned);
        Assert.Equal(LearnOutcome.AttachmentGone, (await daemon.Host.Manager.LearnAsync("no-such-id", learned, learned)).Outcome);
    }

    // The daemon holds the store open; SQLite in WAL mode lets a second connection read it.
    static Netfence.Daemon.Store.AttachmentStore OpenStoreCopy(InProcessDaemon daemon) => Netfence.Daemon.Store.AttachmentStore.Open(daemon.DataDirectory);
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Netfence.Daemon.KernelTests.Processes;
using Netfence.KernelTesting;
using Netfence.Protocol.V1;
using Netfence.Sandbox;

namespace Netfence.Daemon.KernelTests;

/// <summary>
/// A real netfenced against control planes that ack slowly or never: every Attach ends within the ack timeout, a
/// failed one leaves nothing behind (no link, no map entry, no DNS listener) and is reported Unsubscribed{ERROR}.
/// </summary>
public sealed class SubscribeAckFaultTests
{
    static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(2);

    // Ports of this class's daemons alone: the other test classes run beside it with daemons renting the lowest free
    // port of 31000-31999 on the same address, and one of them could rent a port a rollback here had just released.
    static readonly (int, int) DnsPorts = (30000, 30999);

    static async Task<(AckDelayingControlPlane ControlPlane, NetfencedProcess Daemon)> StartAsync()
    {
        var root = NetfencedProcess.NewScratchDirectory();
        var controlPlane = await AckDelayingControlPlane.StartAsync(Path.Combine(root, "cp.sock"));
        try
        {
            var daemon = await NetfencedProcess.StartAsync(root, controlPlane.Address, extraControlPlane: $"subscribe_ack_timeout: {AckTimeout.TotalMilliseconds}ms", dnsPorts: DnsPorts);
            await daemon.WaitForControlPlaneAsync(ConnectionState.Connected, TimeSpan.FromSeconds(30));
            return (controlPlane, daemon);
        }
        catch
        {
            await controlPlane.DisposeAsync();
            throw;
        }
    }

    [KernelFact]
    public async Task A_control_plane_that_never_acks_fails_the_attach_with_DeadlineExceeded_and_everything_is_rolled_back()
    {
        await using var listener = new AcceptingListener();
        using var cgroup = new SandboxCgroup();
        var (controlPlane, daemon) = await StartAsync();
        await using var stopControlPlane = controlPlane;
        await using var stopDaemon = daemon;
        controlPlane.AckDelay = _ => null;
        var mapsBefore = daemon.MapContents();

        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<RpcException>(() => daemon.Client.AttachAsync(new AttachRequest { CgroupPath = cgroup.Path }).ResponseAsync);
        clock.Stop();

        Assert.Equal(StatusCode.DeadlineExceeded, failure.StatusCode);
        Assert.Contains("control_plane.subscribe_ack_timeout", failure.Status.Detail);
        Assert.True(clock.Elapsed < AckTimeout + TimeSpan.FromSeconds(10), $"Attach took {clock.Elapsed} with an ack timeout of {AckTimeout}");
        var subscribed = Assert.Single(controlPlane.Subscribed);
        Deadline.Require(() => controlPlane.Unsubscribed.Any(u => u.Id == subscribed.Id), TimeSpan.FromSeconds(10), "Unsubscribed for the rolled-back attachment");
        var report = controlPlane.Unsubscribed.Single(u => u.Id == subscribed.Id);
        Assert.Equal(UnsubscribeReason.Error, report.Reason);
        Assert.NotEmpty(report.Error);

        // Nothing of it is left: not listed, no pins, no map entry, its DNS port free, its cgroup unfiltered.
        Assert.Equal(0, (await daemon.Client.ListAsync(new ListRequest())).TotalCount);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(daemon.PinDirectory, Attachments.KernelDatapath.LinksDirectory)));
        Assert.Equal(mapsBefore, daemon.MapContents());
        AssertNobodyListens(subscribed.DnsAddress);
        using var probe = new CgroupProbe(cgroup.Path);
        Assert.Equal("connected", probe.Connect("127.0.0.2", listener.Port));
    }

    [KernelFact]
    public async Task Under_100_concurrent_attaches_with_slow_acks_each_succeeds_or_fails_cleanly_and_nothing_leaks()
    {
        const int count = 100;
        await using var listener = new AcceptingListener();
        var cgroups = Enumerable.Range(0, count).Select(_ => new SandboxCgroup()).ToList();
        try
        {
            var (controlPlane, daemon) = await StartAsync();
            await using var stopControlPlane = controlPlane;
            await using var stopDaemon = daemon;
            var mapsBefore = daemon.MapContents();
            // Acks spread from at once to twice the timeout: some arrive in time, some after the attach gave up.
            controlPlane.AckDelay = n => AckTimeout * (n % 10 / 5.0);

            var attaches = cgroups.Select(async cgroup =>
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    var response = await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = cgroup.Path });
                    return (Cgroup: cgroup, Id: response.Id, Status: StatusCode.OK, clock.Elapsed);
                }
                catch (RpcException e)
                {
                    return (Cgroup: cgroup, Id: "", Status: e.StatusCode, clock.Elapsed);
                }
            }).ToList();
            var outcomes = await Task.WhenAll(attaches);

            var succeeded = outcomes.Where(o => o.Status == StatusCode.OK).ToList();
            var failed = outcomes.Where(o => o.Status != StatusCode.OK).ToList();
            Assert.All(failed, o => Assert.Equal(StatusCode.DeadlineExceeded, o.Status));
            // Every call ended within the ack timeout of its own Subscribed, plus the queueing of 100 attaches on two CPUs.
            Assert.All(outcomes, o => Assert.True(o.Elapsed < AckTimeout + TimeSpan.FromSeconds(20), $"an Attach took {o.Elapsed}"));
            Assert.NotEmpty(succeeded);
            Assert.NotEmpty(failed);

            // List holds exactly the successes; every Subscribed that was not acked in time was reported and left nothing.
            var listed = (await daemon.Client.ListAsync(new ListRequest { PageSize = 1000 })).Attachments;
            Assert.Equal(succeeded.Select(o => o.Id).Order(), listed.Select(a => a.Id).Order());
            Assert.Equal(succeeded.Select(o => o.Id).Order(), Directory.EnumerateDirectories(Path.Combine(daemon.PinDirectory, Attachments.KernelDatapath.LinksDirectory)).Select(Path.GetFileName).Order());
            var rolledBack = controlPlane.Subscribed.Where(s => !succeeded.Any(o => o.Id == s.Id)).ToList();
            Assert.Equal(failed.Count, rolledBack.Count);
            Deadline.Require(() => rolledBack.All(s => controlPlane.Unsubscribed.Any(u => u.Id == s.Id && u.Reason == UnsubscribeReason.Error)),
                TimeSpan.FromSeconds(10), "Unsubscribed{ERROR} for every rolled-back attachment");
            // A rolled-back attachment returns its port, and an attach that started later may have rented it (lowest
            // free first): such a port is held by a listed attachment, which proves it was released. Any other must be free.
            var held = listed.Select(a => a.DnsAddress).ToHashSet();
            foreach (var s in rolledBack.Where(s => !held.Contains(s.DnsAddress))) AssertNobodyListens(s.DnsAddress);
            // Acks that came too late were refused, not applied.
            Deadline.Require(() => controlPlane.Results.Count(r => r.Status == CommandStatus.Nack) == failed.Count, TimeSpan.FromSeconds(10), "a NACK for every late ack");
            Assert.Equal(succeeded.Count, controlPlane.Results.Count(r => r.Status == CommandStatus.Ack));

            // Samples of both enforce what they should: the acked rules, or nothing at all.
            using (var attached = new CgroupProbe(succeeded[0].Cgroup.Path))
            {
                Assert.Equal("connected", attached.Connect("127.0.0.1", listener.Port));
                Assert.Equal("denied", attached.Connect("127.0.0.2", listener.Port));
            }
            using (var rolledBackProbe = new CgroupProbe(failed[0].Cgroup.Path))
                Assert.Equal("connected", rolledBackProbe.Connect("127.0.0.2", listener.Port));

            // Detaching the successes leaves the kernel as it was before.
            foreach (var o in succeeded) await daemon.Client.DetachAsync(new DetachRequest { Id = o.Id });
            Assert.Equal(mapsBefore, daemon.MapContents());
            Assert.Empty(Directory.EnumerateDirectories(Path.Combine(daemon.PinDirectory, Attachments.KernelDatapath.LinksDirectory)));
        }
        finally
        {
            foreach (var cgroup in cgroups) cgroup.Dispose();
        }
    }

    // Both a UDP and a TCP socket can bind the address: no DNS server kept it. Polled: a rolled-back server closes its
    // sockets as its rollback finishes, which on a loaded machine may trail the Attach call's answer; a leak never ends.
    static void AssertNobodyListens(string dnsAddress)
    {
        var endpoint = IPEndPoint.Parse(dnsAddress);
        Deadline.Require(() => CanBind(endpoint, SocketType.Dgram, ProtocolType.Udp) && CanBind(endpoint, SocketType.Stream, ProtocolType.Tcp),
            TimeSpan.FromSeconds(10), $"nothing to listen on {dnsAddress} after its attachment was rolled back");
    }

    static bool CanBind(IPEndPoint endpoint, SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        try
        {
            socket.Bind(endpoint);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }
}

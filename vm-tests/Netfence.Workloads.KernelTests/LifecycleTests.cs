using System.Collections.Concurrent;
using System.Net;
using Netfence.KernelTesting;
using Netfence.Sandbox;
using Netfence.Sandbox.Lab;

namespace Netfence.Workloads.KernelTests;

/// <summary>
/// An attachment's life around the workload: detached by the operator, its target removed under it, and the daemon
/// killed and started again while the workloads keep running.
/// </summary>
[Collection("workload lab")]
public sealed class LifecycleTests(WorkloadLab lab)
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    string LinkPins(string id) => Path.Combine(lab.Daemon.PinDirectory, "links", id);

    // Whether anything on the host still listens on the attachment's DNS endpoint (UDP or TCP).
    static bool Listening(IPEndPoint endpoint) =>
        (Command.Run("ss", "-Hlun") + Command.Run("ss", "-Hltn")).Contains($"{endpoint.Address}:{endpoint.Port} ", StringComparison.Ordinal);

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task After_detach_the_workload_is_unfiltered_and_its_dns_server_is_gone(string kind)
    {
        using var w = await lab.AttachAsync("detach", kind);
        var target = lab.Address(WorkloadLab.Denied).ToString();
        var before = Evidence.Token();
        Assert.Equal(w.BlockedExitCode, w.Curl(target, before).ExitCode);
        Evidence.AssertNeverReached(lab.Internet, before, $"{w} before the detach");
        Assert.True(Directory.Exists(LinkPins(w.AttachmentId)), $"attachment {w.AttachmentId} has no pinned links to begin with");

        await lab.Daemon.DetachAsync(w.AttachmentId, CancellationToken.None);

        // Detach removes the filter and the DNS server (netfenced detach; for a TC attachment too, "detach removes
        // only what we added"): the workload reaches what was blocked, and its resolver has nobody to ask.
        Assert.DoesNotContain(await lab.Daemon.ListAsync(CancellationToken.None), a => a.Id == w.AttachmentId);
        Assert.False(Directory.Exists(LinkPins(w.AttachmentId)), $"attachment {w.AttachmentId}'s links are still pinned after detach");
        Assert.False(Listening(w.Dns), $"something still listens on {w.Dns} after detach");
        var after = Evidence.Token();
        var open = w.Curl(target, after);
        Assert.True(open.GotPage, $"{w} after detach: {open}");
        Evidence.AssertReached(lab.Internet, after, $"curl from {w} after detach");
        var dig = w.Dig("api.allowed.example");
        Assert.True(dig.Status is null, $"{w}'s resolver still got an answer after detach: {dig}");
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task Removing_the_target_ends_the_attachment_and_leaves_nothing_behind(string kind)
    {
        using var w = await lab.AttachAsync("removal", kind);
        var page = w.Curl("api.allowed.example", Evidence.Token());
        Assert.True(page.GotPage, $"{w} before its target was removed: {page}");
        Assert.True(Listening(w.Dns));

        if (w.Cgroup is { } cgroup) TargetRemoval.RemoveCgroup(cgroup);
        else TargetRemoval.RemoveTap(w.Vm!);

        // The daemon notices on its own (inotify on the cgroup's parent, rtnetlink for the device) and ends the attachment.
        var end = DateTime.UtcNow + Deadline;
        while ((await lab.Daemon.ListAsync(CancellationToken.None)).Any(a => a.Id == w.AttachmentId))
        {
            if (DateTime.UtcNow > end) throw new TimeoutException($"attachment {w.AttachmentId} is still listed {Deadline.TotalSeconds} s after its {kind} was removed");
            await Task.Delay(50);
        }
        Assert.False(Directory.Exists(LinkPins(w.AttachmentId)), $"attachment {w.AttachmentId}'s links are still pinned after its target went");
        Assert.True(Poll.Until(() => !Listening(w.Dns), Deadline), $"something still listens on {w.Dns} after the attachment ended");
        Assert.True(lab.Daemon.IsRunning, "netfenced exited after a target was removed");
    }

    [KernelFact]
    public async Task A_killed_daemon_keeps_enforcing_and_adopts_its_attachments_when_started_again()
    {
        var workloads = WorkloadLab.Kinds.Select(kind => lab.Fixed("allow", kind)).ToList();
        var blocked = lab.Address(WorkloadLab.Denied).ToString();
        var api = lab.Address(WorkloadLab.Api).ToString();
        foreach (var w in workloads)
            Assert.True(w.Curl("api.allowed.example", Evidence.Token()).GotPage, $"{w} cannot reach api.allowed.example to begin with");
        var before = await lab.Daemon.ListAsync(CancellationToken.None);

        // From the kill until the restarted daemon has adopted everything, both workloads keep trying the blocked
        // address; none of their attempts may arrive.
        var tried = new ConcurrentQueue<(LabWorkload Workload, string Token, CurlResult Result)>();
        using var stop = new CancellationTokenSource();
        var hammer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var w in workloads)
                {
                    var token = Evidence.Token();
                    tried.Enqueue((w, token, w.Curl(blocked, token)));
                }
            }
        });
        try
        {
            await lab.Daemon.KillAsync();

            // While it is down: the learned address still opens (the pinned rules enforce as before, nothing was
            // flushed), and the blocked one stays blocked.
            foreach (var w in workloads)
            {
                var token = Evidence.Token();
                var learned = w.Curl(api, token);
                Assert.True(learned.GotPage, $"{w} lost its learned address while netfenced was down: {learned}");
                Evidence.AssertReached(lab.Internet, token, $"curl to a learned address from {w} while netfenced was down");
            }
            Assert.True(Poll.Until(() => tried.Count >= 2 * workloads.Count, Deadline), "the workloads made no attempts while netfenced was down");

            await lab.Daemon.RestartAsync(CancellationToken.None);
        }
        finally
        {
            stop.Cancel();
            await hammer;
            // The lab's daemon serves the other tests: a failure while it was down must not leave it down.
            if (!lab.Daemon.IsRunning) await lab.Daemon.RestartAsync(CancellationToken.None);
        }
        Assert.All(tried, t => Assert.True(t.Result.ExitCode == t.Workload.BlockedExitCode, $"{t.Workload} around the restart: {t.Result}"));
        // One wait for anything still in flight covers every attempt.
        Assert.False(Poll.Until(() => tried.Any(t => lab.Internet.Servers.Saw(t.Token)), TimeSpan.FromMilliseconds(1500)),
            $"an attempt at the blocked address got through around the restart: {string.Join(", ", tried.Where(t => lab.Internet.Servers.Saw(t.Token)).Select(t => t.Workload))}");

        // Adopted: the same attachments, the same DNS servers, and the workloads resolve and reach as before.
        var after = await lab.Daemon.ListAsync(CancellationToken.None);
        Assert.Equal(before.Select(a => (a.Id, a.DnsAddress)).Order(), after.Select(a => (a.Id, a.DnsAddress)).Order());
        foreach (var w in workloads)
        {
            var token = Evidence.Token();
            var page = Poll.Until(() => w.Dig("api.allowed.example").Status == "NOERROR", Deadline) ? w.Curl("api.allowed.example", token) : null;
            Assert.True(page?.GotPage == true, $"{w} after the restart: {page?.ToString() ?? "its DNS server never answered"}");
            Evidence.AssertReached(lab.Internet, token, $"curl to api.allowed.example from {w} after the restart");
        }
    }
}

using Netfence.Daemon.KernelTests.Processes;
using Netfence.KernelTesting;
using Netfence.Protocol.V1;
using Netfence.Sandbox;

namespace Netfence.Daemon.KernelTests;

/// <summary>
/// A real netfenced connected to a real `netfenced controlplane` process that is killed (SIGKILL) and started again
/// while a workload keeps connecting: enforcement never lapses, the link reconnects with backoff, syncs, and the
/// restarted control plane's rules reach the kernel.
/// </summary>
public sealed class ControlPlaneRestartTests
{
    [KernelFact]
    public async Task Killing_and_restarting_the_control_plane_under_traffic_never_lapses_enforcement_and_the_resync_loses_no_rule()
    {
        await using var listener = new AcceptingListener();
        using var cgroup = new SandboxCgroup();
        var root = NetfencedProcess.NewScratchDirectory();
        var policy = Path.Combine(root, "policy.yaml");
        File.WriteAllText(policy, CidrAllowlistPolicy.Yaml("127.0.0.1/32"));
        await using var controlPlane = new ControlPlaneProcess(policy, Path.Combine(root, "cp.sock"));
        await controlPlane.StartAsync();
        await using var daemon = await NetfencedProcess.StartAsync(root, controlPlane.Address);
        await daemon.WaitForControlPlaneAsync(ConnectionState.Connected, TimeSpan.FromSeconds(30));
        var attached = await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = cgroup.Path });
        var rulesBefore = RuleEntries(daemon);

        // The workload: the allowed and the blocked address in turn, from start to end of the fault.
        using var probe = new CgroupProbe(cgroup.Path);
        using var stopProbing = new CancellationTokenSource();
        var outcomes = new List<(string Address, string Outcome)>();
        var probing = Task.Run(() =>
        {
            while (!stopProbing.IsCancellationRequested)
            {
                foreach (var address in new[] { "127.0.0.1", "127.0.0.2" })
                {
                    var outcome = probe.Connect(address, listener.Port);
                    lock (outcomes) outcomes.Add((address, outcome));
                }
            }
        });
        try
        {
            await controlPlane.KillAsync();
            await daemon.WaitForControlPlaneAsync(ConnectionState.Connecting, TimeSpan.FromSeconds(30));
            // While it is down: the daemon keeps what it has, and the policy gains an address only a resync can bring.
            File.WriteAllText(policy, CidrAllowlistPolicy.Yaml("127.0.0.1/32", "127.0.0.3/32"));
            Assert.Equal("denied", probe.Connect("127.0.0.3", listener.Port));
            Assert.Equal(rulesBefore, RuleEntries(daemon));

            await controlPlane.StartAsync();
            await daemon.WaitForControlPlaneAsync(ConnectionState.Connected, TimeSpan.FromSeconds(30));
            Assert.True(probe.Becomes("127.0.0.3", listener.Port, "connected", TimeSpan.FromSeconds(10)),
                "the address the policy gained while the control plane was down is not enforced after the resync");
        }
        finally
        {
            stopProbing.Cancel();
            await probing;
        }

        List<(string Address, string Outcome)> seen;
        lock (outcomes) seen = [.. outcomes];
        Assert.True(seen.Count > 20, $"only {seen.Count} connects were made during the fault");
        Assert.All(seen.Where(o => o.Address == "127.0.0.1"), o => Assert.Equal("connected", o.Outcome));
        Assert.All(seen.Where(o => o.Address == "127.0.0.2"), o => Assert.Equal("denied", o.Outcome));
        // Two streams synced: the first before the attach, the reconnect's with a SyncRequest listing the attachment.
        var synced = daemon.Output.Where(l => l.Contains("Connected to the control plane")).ToList();
        Assert.Equal(2, synced.Count);
        Assert.Contains("synced 1 attachments", synced[1]);
        var listed = Assert.Single((await daemon.Client.ListAsync(new ListRequest())).Attachments);
        Assert.Equal(attached.Id, listed.Id);
        Assert.Equal(PolicyMode.Allowlist, listed.Mode);
        // The old rule is still there beside the new one.
        Assert.Equal("connected", probe.Connect("127.0.0.1", listener.Port));
        Assert.Equal("denied", probe.Connect("127.0.0.2", listener.Port));
    }

    // The IPv4 rules' entries in the kernel (the rule-set trie), for comparing before and after.
    static SortedDictionary<string, string> RuleEntries(NetfencedProcess daemon) =>
        new(daemon.MapContents().Where(e => e.Key.StartsWith("nf_rules4/", StringComparison.Ordinal)).ToDictionary(), StringComparer.Ordinal);
}

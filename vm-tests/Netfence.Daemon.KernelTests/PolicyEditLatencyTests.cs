using System.Diagnostics;
using Netfence.Daemon.KernelTests.Processes;
using Netfence.KernelTesting;
using Netfence.Protocol.V1;
using Netfence.Sandbox;

namespace Netfence.Daemon.KernelTests;

/// <summary>Issue 8: an edit of the built-in control plane's policy file changes enforcement within a second.</summary>
public sealed class PolicyEditLatencyTests
{
    static readonly TimeSpan Requirement = TimeSpan.FromSeconds(1);

    [KernelFact]
    public async Task Each_edit_of_the_policy_file_is_enforced_in_the_kernel_within_a_second()
    {
        await using var listener = new AcceptingListener();
        using var cgroup = new SandboxCgroup();
        var root = NetfencedProcess.NewScratchDirectory();
        var policy = Path.Combine(root, "policy.yaml");
        File.WriteAllText(policy, CidrAllowlistPolicy.Yaml("127.0.0.1/32"));
        await using var daemon = await NetfencedProcess.StartAsync(root, controlPlaneAddress: null, policyFile: policy);
        await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = cgroup.Path });
        using var probe = new CgroupProbe(cgroup.Path);
        Assert.Equal("denied", probe.Connect("127.0.0.2", listener.Port));

        var took = new List<TimeSpan>();
        for (int edit = 0; edit < 6; edit++)
        {
            bool allow = edit % 2 == 0;
            var text = allow ? CidrAllowlistPolicy.Yaml("127.0.0.1/32", "127.0.0.2/32") : CidrAllowlistPolicy.Yaml("127.0.0.1/32");
            var clock = Stopwatch.StartNew();
            // Half the edits in place, half as editors and config tools do: a new file renamed over the old one.
            if (edit % 4 < 2)
            {
                File.WriteAllText(policy, text);
            }
            else
            {
                File.WriteAllText(policy + ".tmp", text);
                File.Move(policy + ".tmp", policy, overwrite: true);
            }
            var expected = allow ? "connected" : "denied";
            bool enforced = probe.Becomes("127.0.0.2", listener.Port, expected, Requirement);
            clock.Stop();
            Assert.True(enforced, $"edit {edit + 1} ({(allow ? "allow" : "remove")} 127.0.0.2) was not enforced within {Requirement.TotalSeconds} s; earlier edits took {string.Join(", ", took.Select(t => $"{t.TotalMilliseconds:0} ms"))}");
            took.Add(clock.Elapsed);
            Assert.Equal("connected", probe.Connect("127.0.0.1", listener.Port));
        }
    }
}

using Netfence.KernelTesting;
using Netfence.Sandbox;
using Netfence.Sandbox.Lab;

namespace Netfence.Workloads.KernelTests;

/// <summary>
/// Editing the policy of a live attachment: allowlist → block-all → denylist, each observed from inside the workload.
/// The filters decide every packet (cgroup_skb egress for a cgroup, TC ingress on the VM's tap; programs/README.md),
/// so when permission goes an established TCP flow is cut too: what the workload writes on it after the switch never
/// reaches the far end, although the connection was made while it was allowed.
/// </summary>
[Collection("workload lab")]
public sealed class ModeSwitchTests(WorkloadLab lab)
{
    static readonly TimeSpan Arrival = Slowness.Scale(TimeSpan.FromSeconds(5));

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task Switching_modes_on_a_live_attachment_takes_effect_and_cuts_an_established_flow(string kind)
    {
        using var w = await lab.AttachAsync("switch", kind);
        // The far end of the flow: nc listening on api.allowed.example's address inside the internet, printing what it gets.
        using var internet = WorkloadShell.InNamespace(lab.Internet.Namespace);
        var api = lab.Address(WorkloadLab.Api).ToString();
        using var listener = internet.Start("nc", "-lk", api, WorkloadLab.FlowPort.ToString());
        Poll.Require(() => internet.Run("ss", "-Hltn", $"sport = :{WorkloadLab.FlowPort}").StdOut.Contains(api, StringComparison.Ordinal),
            Arrival, $"nc to listen on {api}:{WorkloadLab.FlowPort}");
        try
        {
            // Allowlist: nc resolves api.allowed.example through the workload's resolver (the name's address is learned
            // before the answer returns) and holds a TCP connection open.
            var flow = w.Shell.Start("nc", "-4", "api.allowed.example", WorkloadLab.FlowPort.ToString());
            try
            {
                var first = Evidence.Token();
                flow.WriteLine(first);
                Assert.True(Poll.Until(() => listener.Wrote(first), Arrival), $"{w}: the flow's first line never arrived ({string.Join(" / ", flow.Output)})");

                // Block-all: enforced once a new connection fails; then the established flow carries nothing more.
                lab.SetRole("switch", WorkloadLab.BlockAll);
                Assert.True(Poll.Until(() => w.Curl(api, Evidence.Token()).ExitCode == w.BlockedExitCode, WorkloadLab.PolicyDeadline),
                    $"{w} still connects to {api} {WorkloadLab.PolicyDeadline.TotalSeconds} s after the switch to block-all");
                var cut = Evidence.Token();
                flow.WriteLine(cut);
                Assert.False(Poll.Until(() => listener.Wrote(cut), TimeSpan.FromSeconds(2)), $"{w}: the established flow still carried data after the switch to block-all");
            }
            finally
            {
                flow.Dispose();
            }

            // Denylist: enforced once open.example (resolved and reached) works; denied.example is refused and never forwarded.
            lab.SetRole("switch", lab.Denylist);
            string? reached = null;
            Assert.True(Poll.Until(() =>
            {
                var token = Evidence.Token();
                if (!w.Curl("open.example", token).GotPage) return false;
                reached = token;
                return true;
            }, WorkloadLab.PolicyDeadline), $"{w} never reached open.example after the switch to denylist");
            Evidence.AssertReached(lab.Internet, reached!, $"curl to open.example from {w} under the denylist");
            var denied = Evidence.Token();
            Assert.Equal("REFUSED", w.Dig($"{denied}.denied.example").Status);
            Evidence.AssertUpstreamNeverAsked(lab.Internet, denied, $"a denied name from {w} under the denylist");

            // A new flow is let through again.
            using var again = w.Shell.Start("nc", "-4", "api.allowed.example", WorkloadLab.FlowPort.ToString());
            var third = Evidence.Token();
            again.WriteLine(third);
            Assert.True(Poll.Until(() => listener.Wrote(third), Arrival), $"{w}: a new flow under the denylist never arrived ({string.Join(" / ", again.Output)})");
        }
        finally
        {
            lab.SetRole("switch", WorkloadLab.Allowlist);
        }
    }
}

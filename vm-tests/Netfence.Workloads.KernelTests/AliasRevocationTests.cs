using Netfence.KernelTesting;
using Netfence.Sandbox;

namespace Netfence.Workloads.KernelTests;

/// <summary>
/// A deny rule that arrives after an alias taught its target's address (pitfalls 11 and 17): the policy allows
/// <see cref="WorkloadLab.AliasName"/>, a CNAME to <see cref="WorkloadLab.EdgeName"/>, a name no rule mentions, so the
/// answer teaches the edge's address and curl reaches it. Then the control plane denies the edge's zone. The rule
/// change is judged as if the answer arrived under it: the address, which only the alias taught, is revoked from the
/// kernel (the connect is blocked again within the policy deadline, and the server never sees it), and the DNS server's
/// cache no longer hands it out (a fresh dig gets the CNAME without the address). The same holds when netfenced is
/// killed (SIGKILL) and started again between the answer and the deny (pitfall 10): the store keeps every learned
/// address with the whole chain that taught it, so the restarted daemon judges the alias as the one that learned it.
/// </summary>
[Collection("workload lab")]
public sealed class AliasRevocationTests(WorkloadLab lab)
{
    [KernelTheory]
    [InlineData("cgroup", false)]
    [InlineData("vm", false)]
    [InlineData("cgroup", true)]
    [InlineData("vm", true)]
    public async Task Denying_an_alias_target_later_revokes_the_address_the_alias_taught(string kind, bool restartBetween)
    {
        using var w = await lab.AttachAsync("alias", kind);
        var edge = lab.Address(WorkloadLab.Edge);
        try
        {
            // The alias resolves through the workload's resolver to the edge (the previous row's policy edit, undone in its
            // finally, may still be on its way: wait for it rather than fail on it).
            DigAnswer? resolved = null;
            Assert.True(Poll.Until(() => (resolved = w.Dig(WorkloadLab.AliasName)).Addresses.Contains(edge), WorkloadLab.PolicyDeadline),
                $"{w}: {WorkloadLab.AliasName} never resolved to {edge}: {resolved}");
            Assert.Contains("CNAME", resolved!.Output, StringComparison.Ordinal);
            Assert.Equal(w.Dns, resolved.Server);
            var token = Evidence.Token();
            var page = w.Curl(WorkloadLab.AliasName, token);
            Assert.True(page.GotPage, $"{w} through the alias: {page}");
            Assert.Equal($"hello from {WorkloadLab.EdgeName}", page.Body);
            Evidence.AssertReached(lab.Internet, token, $"curl to {WorkloadLab.AliasName} from {w}");
            // The address works directly too: it was learned, and is what the revocation must close.
            var direct = Evidence.Token();
            Assert.True(w.Curl(edge.ToString(), direct).GotPage, $"{w} could not reach {edge} directly while the alias allows it");

            if (restartBetween)
            {
                await lab.Daemon.KillAsync();
                await lab.Daemon.RestartAsync(CancellationToken.None);
                // Adopted with what it learned: the address still opens, with no new answer to teach it.
                var adopted = Evidence.Token();
                Assert.True(w.Curl(edge.ToString(), adopted).GotPage, $"{w} lost {edge}, learned through the alias, across the restart");
            }

            lab.SetRole("alias", WorkloadLab.AliasTargetDenied);

            // Revoked: the connect to the edge's address is blocked again (EPERM in a cgroup, a drop at the VM's tap).
            Assert.True(Poll.Until(() => w.Curl(edge.ToString(), Evidence.Token()).ExitCode == w.BlockedExitCode, WorkloadLab.PolicyDeadline),
                $"{w} still connects to {edge} {WorkloadLab.PolicyDeadline.TotalSeconds} s after {WorkloadLab.EdgeName}'s zone was denied");
            var blocked = Evidence.Token();
            var attempt = w.Curl(edge.ToString(), blocked);
            Assert.True(attempt.ExitCode == w.BlockedExitCode, $"{w} to {edge} after the deny: {attempt}");
            Evidence.AssertNeverReached(lab.Internet, blocked, $"curl to {edge} from {w} after the deny");

            // A fresh query (the answer was cached before the deny) no longer hands the address out: the chain ends
            // before the denied name, and nothing taught it again.
            var again = w.Dig(WorkloadLab.AliasName);
            Assert.True(again.Status == "NOERROR" && again.Addresses.Count == 0, $"{w}: {again}");
            Assert.Contains("CNAME", again.Output, StringComparison.Ordinal);
            var viaName = Evidence.Token();
            Assert.NotEqual(0, w.Curl(WorkloadLab.AliasName, viaName).ExitCode);
            Evidence.AssertNeverReached(lab.Internet, viaName, $"curl to {WorkloadLab.AliasName} from {w} after the deny");
            var still = w.Curl(edge.ToString(), Evidence.Token());
            Assert.True(still.ExitCode == w.BlockedExitCode, $"{w} to {edge} after the fresh query: {still}");
        }
        finally
        {
            lab.SetRole("alias", WorkloadLab.AliasAllowed);
            // The lab's daemon serves the other tests: a failure while it was down must not leave it down.
            if (!lab.Daemon.IsRunning) await lab.Daemon.RestartAsync(CancellationToken.None);
        }
    }
}

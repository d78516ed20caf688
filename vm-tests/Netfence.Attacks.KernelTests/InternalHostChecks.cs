using System.Net;
using Netfence.Sandbox.Probing;

namespace Netfence.Attacks.KernelTests;

/// <summary>Pitfalls 7 and 18's evidence: a real server on the internal address, reached only where a policy allows it.</summary>
static class InternalHostChecks
{
    /// <summary>
    /// The neighbour of <paramref name="kind"/>'s attacker (tenant B, whose policy allows <paramref name="address"/>'s
    /// CIDR) reaches the lab's server on <paramref name="address"/> — the route and the server are there — while the
    /// attacker, over TCP and UDP, is blocked and the server never sees its token.
    /// </summary>
    public static async Task AssertOnlyExplicitlyAllowedReachAsync(AttackLab lab, string kind, IPAddress address, string what)
    {
        var port = lab.Internal.Port;
        var neighbour = lab.Neighbour(kind);
        var control = Evidence.Token();
        var allowed = await neighbour.Agent.AttemptAsync(new ProbeRequest("tcp", null, address.ToString(), port, null, control));
        Assert.True(allowed.Outcome == ProbeOutcome.Connected, $"{neighbour}, whose policy allows {address}/32, could not reach {what}: {allowed}");
        Evidence.AssertReached(lab.Saw, control, $"{neighbour} to {what}");

        var w = lab.Attacker(kind);
        var token = Evidence.Token();
        foreach (var protocol in new[] { "tcp", "udp" })
        {
            var result = await w.Agent.AttemptAsync(new ProbeRequest(protocol, null, address.ToString(), port, null, token));
            // A cgroup's socket hooks fail the syscall; a VM's packet is dropped at TC ingress and nothing answers.
            Assert.True(result.Outcome == (kind == "cgroup" ? ProbeOutcome.Denied : ProbeOutcome.TimedOut), $"{protocol} from {w} to {what} ({address}): {result}");
        }
        Evidence.AssertNeverReached(lab.Saw, token, $"{w} to {what} ({address})");
    }
}

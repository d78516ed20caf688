using Netfence.KernelTesting;
using Netfence.Sandbox;

namespace Netfence.Workloads.KernelTests;

/// <summary>
/// A CIDR allowed with a TTL opens its network from when the daemon applies it until it expires, and then closes it
/// again without any further edit (pitfall 11: rules must expire; the datapath ignores an expired entry before the
/// daemon sweeps it).
/// </summary>
[Collection("workload lab")]
public sealed class CidrExpiryTests(WorkloadLab lab)
{
    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(8);

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task A_cidr_allowed_with_a_ttl_is_reachable_until_it_expires(string kind)
    {
        using var w = await lab.AttachAsync("ttl", kind);
        var target = lab.Address(WorkloadLab.Expiring).ToString();
        try
        {
            var before = Evidence.Token();
            Assert.Equal(w.BlockedExitCode, w.Curl(target, before).ExitCode);
            Evidence.AssertNeverReached(lab.Internet, before, $"{w} before the CIDR is allowed");

            lab.SetRole("ttl", $$"""
                mode: allowlist
                allow_cidrs:
                  - {cidr: {{target}}/32, ttl: {{Ttl.TotalSeconds}}s}
                dns:
                  mode: allowlist
                  allow: []
                """);
            // Reachable once the edit is enforced: every attempt carries its own token, the server records the one that got through.
            string? reached = null;
            Assert.True(Poll.Until(() =>
            {
                var token = Evidence.Token();
                if (!w.Curl(target, token).GotPage) return false;
                reached = token;
                return true;
            }, WorkloadLab.PolicyDeadline), $"{w} never reached {target} after its CIDR was allowed for {Ttl.TotalSeconds} s");
            Evidence.AssertReached(lab.Internet, reached!, $"curl to the CIDR with a TTL from {w}");

            // Unreachable again once the TTL has run out, with the policy file unchanged.
            Assert.True(Poll.Until(() => w.Curl(target, Evidence.Token()).ExitCode == w.BlockedExitCode, Ttl + WorkloadLab.PolicyDeadline),
                $"{w} still reaches {target} {(Ttl + WorkloadLab.PolicyDeadline).TotalSeconds} s after its {Ttl.TotalSeconds} s TTL");
            var after = Evidence.Token();
            var blocked = w.Curl(target, after);
            Assert.True(blocked.ExitCode == w.BlockedExitCode, $"{w} after the TTL: {blocked}");
            Evidence.AssertNeverReached(lab.Internet, after, $"curl to the expired CIDR from {w}");
        }
        finally
        {
            lab.SetRole("ttl", WorkloadLab.Empty);
        }
    }
}

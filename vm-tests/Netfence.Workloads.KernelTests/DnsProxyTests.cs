using Netfence.KernelTesting;
using Netfence.Sandbox.Lab;

namespace Netfence.Workloads.KernelTests;

/// <summary>
/// DNS proxy mode: a netfenced of its own whose control plane (<see cref="ProxyControlPlane"/>, on the SDK) decides every
/// name a workload asks about through QueryDns. An allowed name is resolved upstream and its address learned; an
/// override answer is learned without the upstream ever being asked; a denied name is refused and never forwarded.
/// </summary>
[Collection("workload lab")]
public sealed class DnsProxyTests(WorkloadLab lab)
{
    [KernelFact]
    public async Task In_proxy_mode_the_control_plane_decides_each_name_and_its_answer_is_enforced()
    {
        var overrideAddress = lab.Address(WorkloadLab.Open);
        await using var controlPlane = new ProxyControlPlane(overrideAddress);
        await controlPlane.StartAsync();
        await using var daemon = await NetfencedProcess.StartAsync(NetfencedProcess.Locate(AppContext.BaseDirectory), "policies: []\n",
            [lab.Internet.Dns.Endpoint], CancellationToken.None, controlPlane.Address);
        foreach (var kind in WorkloadLab.Kinds)
        {
            using var w = await lab.AttachAsync(daemon, "proxy", kind);
            var listed = (await daemon.ListAsync(CancellationToken.None)).Single(a => a.Id == w.AttachmentId);
            Assert.Equal("DNS_MODE_PROXY", listed.DnsMode);

            // Allowed by the control plane: resolved upstream, learned, reachable.
            var token = Evidence.Token();
            var page = w.Curl("api.allowed.example", token);
            Assert.True(page.GotPage, $"{w}: {page}");
            Evidence.AssertReached(lab.Internet, token, $"curl to api.allowed.example from {w} in proxy mode");
            Assert.Contains(controlPlane.Queries, q => q.AttachmentId == w.AttachmentId && q.Domain == "api.allowed.example");

            // Overridden: the control plane's address comes back and opens, and the zone is not asked.
            int wwwAsked = lab.Internet.Dns.QueriedNames().Count(n => n == "www.allowed.example");
            var www = w.Dig("www.allowed.example");
            Assert.True(www.Status == "NOERROR" && www.Addresses.SequenceEqual([overrideAddress]), $"{w}: {www}");
            var toOverride = Evidence.Token();
            var overridden = w.Curl("www.allowed.example", toOverride);
            Assert.True(overridden.Body == "hello from open.example", $"{w} to the overriding address: {overridden}");
            Evidence.AssertReached(lab.Internet, toOverride, $"curl to www.allowed.example's override from {w}");
            Assert.Equal(wwwAsked, lab.Internet.Dns.QueriedNames().Count(n => n == "www.allowed.example"));

            // Denied by the control plane: it was asked, the workload gets REFUSED, the zone never hears of it.
            var denied = Evidence.Token();
            var refused = w.Dig($"{denied}.denied.example");
            Assert.True(refused.Status == "REFUSED" && refused.Server?.Equals(w.Dns) == true, $"{w}: {refused}");
            Assert.Contains(controlPlane.Queries, q => q.AttachmentId == w.AttachmentId && q.Domain == $"{denied}.denied.example");
            Evidence.AssertUpstreamNeverAsked(lab.Internet, denied, $"a name the control plane denied, from {w}");

            // Nothing it was not told about is open: denied.example's address was never learned.
            var direct = Evidence.Token();
            Assert.Equal(w.BlockedExitCode, w.Curl(lab.Address(WorkloadLab.Denied).ToString(), direct).ExitCode);
            Evidence.AssertNeverReached(lab.Internet, direct, $"curl to an unlearned address from {w} in proxy mode");
        }
    }
}

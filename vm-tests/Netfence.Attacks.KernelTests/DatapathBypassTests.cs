using Netfence.KernelTesting;
using Netfence.Sandbox.Lab;
using Netfence.Sandbox.Probing;

namespace Netfence.Attacks.KernelTests;

/// <summary>
/// Pitfalls 1–4, 7 and 22 from inside a cgroup (tenant A: socket hooks and cgroup_skb) and a VM (TC ingress on its
/// veth's host end), through a real netfenced. Each attack first reaches an allowed destination the same way (so the
/// technique works and the path is there), then must not reach an unlearned one: the server never sees its token.
/// </summary>
[Collection("attack lab")]
public sealed class DatapathBypassTests(AttackLab lab)
{
    string AllowedIp => lab.Address(AttackLab.Allowed).ToString();

    // denied.example's address: a host of the internet that no attachment ever learned.
    string BlockedIp => lab.Address(AttackLab.Denied).ToString();

    // What a blocked attempt looks like from inside: a cgroup's socket hooks fail the syscall, a TC drop leaves it waiting.
    static string Blocked(string kind) => kind == "cgroup" ? "EPERM" : "TIMEOUT";

    static async Task LearnAllowedAsync(LabWorkload w)
    {
        var learned = await w.Agent.AttemptAsync(new ProbeRequest("tcp", "allowed.example", null, LocalInternet.HttpPort, w.Dns.ToString(), Evidence.Token()));
        Assert.True(learned.Outcome == ProbeOutcome.Connected, $"{w} could not reach allowed.example: {learned}");
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task Unconnected_udp_sendto_an_unlearned_address_never_arrives(string kind)
    {
        var w = lab.Attacker(kind);
        await LearnAllowedAsync(w);
        var control = Evidence.Token();
        Assert.Equal("REPLY", w.Python(AttackPrograms.UnconnectedUdp(AllowedIp, LocalInternet.UdpEchoPort, control)));
        Evidence.AssertReached(lab.Internet, control, "unconnected UDP to the allowed address");

        var token = Evidence.Token();
        Assert.Equal(Blocked(kind), w.Python(AttackPrograms.UnconnectedUdp(BlockedIp, LocalInternet.UdpEchoPort, token)));
        Evidence.AssertNeverReached(lab.Internet, token, $"unconnected UDP from {w}");
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task Tcp_fast_open_to_an_unlearned_address_never_arrives(string kind)
    {
        var w = lab.Attacker(kind);
        await LearnAllowedAsync(w);
        var control = Evidence.Token();
        Assert.Equal("REPLY", w.Python(AttackPrograms.TcpFastOpen(AllowedIp, LocalInternet.HttpPort, control)));
        Evidence.AssertReached(lab.Internet, control, "TCP Fast Open to the allowed address");

        var token = Evidence.Token();
        Assert.Equal(Blocked(kind), w.Python(AttackPrograms.TcpFastOpen(BlockedIp, LocalInternet.HttpPort, token)));
        Evidence.AssertNeverReached(lab.Internet, token, $"TCP Fast Open from {w}");
    }

    [KernelTheory]
    [InlineData("cgroup", "tcp")]
    [InlineData("cgroup", "udp")]
    [InlineData("vm", "tcp")]
    [InlineData("vm", "udp")]
    public async Task An_ipv4_mapped_ipv6_destination_is_judged_as_the_ipv4_address_inside(string kind, string protocol)
    {
        var w = lab.Attacker(kind);
        await LearnAllowedAsync(w);
        int port = protocol == "tcp" ? LocalInternet.HttpPort : LocalInternet.UdpEchoPort;
        var control = Evidence.Token();
        Assert.Equal("REPLY", w.Python(AttackPrograms.MappedIpv6(protocol, AllowedIp, port, control)));
        Evidence.AssertReached(lab.Internet, control, $"{protocol} to ::ffff:{AllowedIp}");

        var token = Evidence.Token();
        Assert.Equal(Blocked(kind), w.Python(AttackPrograms.MappedIpv6(protocol, BlockedIp, port, token)));
        Evidence.AssertNeverReached(lab.Internet, token, $"{protocol} to ::ffff:{BlockedIp} from {w}");
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task A_raw_socket_cannot_send_to_an_unlearned_address(string kind)
    {
        var w = lab.Attacker(kind);
        await LearnAllowedAsync(w);
        var control = Evidence.Token();
        Assert.Equal("SENT", w.Python(AttackPrograms.RawUdp(AllowedIp, LocalInternet.UdpEchoPort, control)));
        Evidence.AssertReached(lab.Internet, control, "a raw UDP packet to the allowed address");

        var token = Evidence.Token();
        // The socket hooks never run for a raw socket: whether sendto() reports the packet-level drop is up to the
        // kernel's path, so only the far end decides.
        Assert.Contains(w.Python(AttackPrograms.RawUdp(BlockedIp, LocalInternet.UdpEchoPort, token)), new[] { "SENT", "EPERM" });
        Evidence.AssertNeverReached(lab.Internet, token, $"a raw UDP packet from {w}");
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task An_address_learned_by_another_attachment_stays_closed(string kind)
    {
        // Tenant A resolves api.allowed.example, so its address is in the kernel for A...
        var learner = lab.TenantA;
        var learned = await learner.Agent.AttemptAsync(new ProbeRequest("tcp", "api.allowed.example", null, LocalInternet.HttpPort, learner.Dns.ToString(), Evidence.Token()));
        Assert.True(learned.Outcome == ProbeOutcome.Connected, $"tenant A could not reach api.allowed.example: {learned}");

        // ...and for nobody else: tenant B's cgroup and the VM, whose policies do not allow the name.
        var other = kind == "cgroup" ? lab.TenantB : lab.Vm;
        var token = Evidence.Token();
        var result = await other.Agent.AttemptAsync(new ProbeRequest("tcp", null, lab.Address(AttackLab.Api).ToString(), LocalInternet.HttpPort, null, token));
        Assert.Equal(kind == "cgroup" ? ProbeOutcome.Denied : ProbeOutcome.TimedOut, result.Outcome);
        Evidence.AssertNeverReached(lab.Internet, token, $"{other} to an address tenant A learned");
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task The_metadata_service_address_is_not_exempt(string kind)
    {
        var w = lab.Attacker(kind);
        var result = await w.Agent.AttemptAsync(new ProbeRequest("tcp", null, AttackLab.Metadata.ToString(), 80, null, Evidence.Token()));
        // A cgroup's EPERM is the filter's own answer. Nothing serves 169.254.169.254 in the lab, so for the VM the
        // evidence is only that nothing answered (no refusal, no connection).
        Assert.Equal(kind == "cgroup" ? ProbeOutcome.Denied : ProbeOutcome.TimedOut, result.Outcome);
    }
}

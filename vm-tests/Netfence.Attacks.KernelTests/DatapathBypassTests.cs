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

    // The same program first to the learned address (it must get its answer: the technique works and the path is
    // there), then to an unlearned one (the workload sees the block, the server never sees the token).
    async Task ControlThenAttackAsync(string kind, Func<string, string, string> program, string what)
    {
        var w = lab.Attacker(kind);
        await LearnAllowedAsync(w);
        var control = Evidence.Token();
        Assert.Equal("REPLY", w.Python(program(AllowedIp, control)));
        Evidence.AssertReached(lab.Saw, control, $"{what} to the learned address");

        var token = Evidence.Token();
        Assert.Equal(Blocked(kind), w.Python(program(BlockedIp, token)));
        Evidence.AssertNeverReached(lab.Saw, token, $"{what} from {w}");
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public Task Unconnected_udp_sendto_an_unlearned_address_never_arrives(string kind) =>
        ControlThenAttackAsync(kind, (address, token) => AttackPrograms.UnconnectedUdp(address, LocalInternet.UdpEchoPort, token), "unconnected UDP");

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public Task Tcp_fast_open_to_an_unlearned_address_never_arrives(string kind) =>
        ControlThenAttackAsync(kind, (address, token) => AttackPrograms.TcpFastOpen(address, LocalInternet.HttpPort, token), "TCP Fast Open");

    [KernelTheory]
    [InlineData("cgroup", "tcp")]
    [InlineData("cgroup", "udp")]
    [InlineData("vm", "tcp")]
    [InlineData("vm", "udp")]
    public Task An_ipv4_mapped_ipv6_destination_is_judged_as_the_ipv4_address_inside(string kind, string protocol) =>
        ControlThenAttackAsync(kind, (address, token) => AttackPrograms.MappedIpv6(protocol, address,
            protocol == "tcp" ? LocalInternet.HttpPort : LocalInternet.UdpEchoPort, token), $"{protocol} to an IPv4-mapped IPv6 address");

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task A_raw_socket_cannot_send_to_an_unlearned_address(string kind)
    {
        var w = lab.Attacker(kind);
        await LearnAllowedAsync(w);
        var control = Evidence.Token();
        Assert.Equal("SENT", w.Python(AttackPrograms.RawUdp(AllowedIp, LocalInternet.UdpEchoPort, control)));
        Evidence.AssertReached(lab.Saw, control, "a raw UDP packet to the allowed address");

        var token = Evidence.Token();
        // The socket hooks never run for a raw socket: whether sendto() reports the packet-level drop is up to the
        // kernel's path, so only the far end decides.
        Assert.Contains(w.Python(AttackPrograms.RawUdp(BlockedIp, LocalInternet.UdpEchoPort, token)), new[] { "SENT", "EPERM" });
        Evidence.AssertNeverReached(lab.Saw, token, $"a raw UDP packet from {w}");
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
        Evidence.AssertNeverReached(lab.Saw, token, $"{other} to an address tenant A learned");
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public Task The_metadata_service_address_is_not_exempt(string kind) =>
        InternalHostChecks.AssertOnlyExplicitlyAllowedReachAsync(lab, kind, AttackLab.Metadata, "the metadata service");
}

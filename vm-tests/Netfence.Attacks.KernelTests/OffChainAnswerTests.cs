using System.Net;
using System.Net.Sockets;
using Netfence.Dns.Wire;
using Netfence.KernelTesting;
using Netfence.Sandbox.Lab;
using Netfence.Sandbox.Probing;

namespace Netfence.Attacks.KernelTests;

/// <summary>
/// Pitfall 17 from inside a cgroup and a VM through a real netfenced: an allowed name's upstream (the lab's hostile DNS
/// server, <see cref="TrapZone"/>) answers with address records that are not on the CNAME chain from the question —
/// an unrelated owner, an alias into a denied name, a loop, the authority and additional sections. The workload resolves
/// through its attachment's DNS server, is not handed those addresses, and cannot reach them when it goes to them
/// directly (the recording server there never sees its token), while the on-chain address of the same answer works.
/// </summary>
[Collection("attack lab")]
public sealed class OffChainAnswerTests(AttackLab lab)
{
    static ProbeOutcome Blocked(string kind) => kind == "cgroup" ? ProbeOutcome.Denied : ProbeOutcome.TimedOut;

    // What the upstream itself sends for a question, every section: the test proves something only if the hostile
    // records reach netfenced (dnsmasq forwards the delegated zone's answers as they are). Asked from the test process,
    // which no filter covers.
    static DnsMessage AskZone(IPEndPoint server, string name)
    {
        var query = DnsMessageWriter.Write(new DnsMessage
        {
            Id = (ushort)Random.Shared.Next(ushort.MaxValue),
            Flags = 0x0100,
            Questions = [new DnsQuestion(DnsName.Parse(name), DnsType.A, DnsQuestion.ClassIn)],
        });
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        socket.Send(query);
        socket.ReceiveTimeout = 5000;
        var buffer = new byte[4096];
        int n = socket.Receive(buffer);
        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(buffer.AsSpan(0, n), out var answer));
        return answer!;
    }

    void AssertUpstreamServesTheAttack(TrapZone.Case @case)
    {
        var evil = lab.Address(@case.Evil!.Value);
        var answer = AskZone(lab.Internet.Dns.Endpoint, TrapZone.Question(@case, Evidence.Token()));
        var addresses = answer.Answers.Concat(answer.Authorities).Concat(answer.Additionals).Select(r => r.Address).OfType<IPAddress>();
        Assert.True(addresses.Contains(evil), $"the upstream's answer for the '{@case.Label}' case does not carry {evil}: the test would prove nothing");
    }

    // Straight to the address the answer must not have taught, over TCP and UDP: blocked, and the server never saw it.
    async Task AssertEvilAddressClosedAsync(LabWorkload w, string kind, TrapZone.Case @case)
    {
        var evil = lab.Address(@case.Evil!.Value).ToString();
        var token = Evidence.Token();
        foreach (var (protocol, port) in new[] { ("tcp", LocalInternet.HttpPort), ("udp", LocalInternet.UdpEchoPort) })
        {
            var result = await w.Agent.AttemptAsync(new ProbeRequest(protocol, null, evil, port, null, token));
            Assert.True(result.Outcome == Blocked(kind), $"{protocol} from {w} to {evil} after {@case.What}: {result}");
        }
        Evidence.AssertNeverReached(lab.Saw, token, $"{w} to {evil} after {@case.What}");
    }

    [KernelTheory]
    [InlineData("cgroup", "offchain")]
    [InlineData("cgroup", "alias")]
    [InlineData("cgroup", "loop")]
    [InlineData("cgroup", "authority")]
    [InlineData("cgroup", "additional")]
    [InlineData("vm", "offchain")]
    [InlineData("vm", "alias")]
    [InlineData("vm", "loop")]
    [InlineData("vm", "authority")]
    [InlineData("vm", "additional")]
    public async Task Address_records_off_the_cname_chain_teach_nothing(string kind, string label)
    {
        var w = lab.Attacker(kind);
        var @case = TrapZone.Named(label);
        AssertUpstreamServesTheAttack(@case);

        // Resolve through the attachment's DNS server, then connect to what it handed out.
        var name = TrapZone.Question(@case, Evidence.Token());
        var control = Evidence.Token();
        var resolved = await w.Agent.AttemptAsync(new ProbeRequest("tcp", name, null, LocalInternet.HttpPort, w.Dns.ToString(), control));
        Assert.True(lab.Trap.WasAsked(name), $"{name} never reached the hostile upstream: the test would prove nothing ({resolved})");
        var evil = lab.Address(@case.Evil!.Value).ToString();
        Assert.False(resolved.Addresses.Contains(evil), $"{w} was handed {evil} from {@case.What}: {resolved}");
        if (@case.OnChain is { } onChain)
        {
            // The control: the answer's on-chain address was taught and works.
            Assert.True(resolved.Outcome == ProbeOutcome.Connected && resolved.Destination == lab.Address(onChain).ToString(),
                $"{w} could not use the on-chain address of {@case.What}: {resolved}");
            Evidence.AssertReached(lab.Saw, control, $"{w} to the on-chain address of {name}");
        }
        else
        {
            Assert.True(resolved.Outcome == ProbeOutcome.NoAddress, $"{w} was handed an address for {@case.What}: {resolved}");
        }

        await AssertEvilAddressClosedAsync(w, kind, @case);
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task Over_tcp_the_same_answers_teach_only_their_chain(string kind)
    {
        // dig asks over TCP, so netfenced asks the upstream over TCP too (the hostile server serves both).
        var w = lab.Attacker(kind);
        foreach (var @case in TrapZone.All.Where(c => c.Evil is not null))
        {
            var name = TrapZone.Question(@case, Evidence.Token());
            var dig = w.RunProgram("dig", ["+tcp", "+tries=1", "+time=3", "+noall", "+answer", "+authority", "+additional",
                "-p", w.Dns.Port.ToString(), $"@{w.Dns.Address}", name, "A"]);
            Assert.True(dig.ExitCode == 0, $"dig +tcp {name} from {w} failed: {dig.StdErr}{dig.StdOut}");
            Assert.True(lab.Trap.WasAsked(name), $"{name} never reached the hostile upstream over TCP: the test would prove nothing");
            var evil = lab.Address(@case.Evil!.Value).ToString();
            Assert.False(dig.StdOut.Contains(evil, StringComparison.Ordinal), $"{w} was handed {evil} over TCP from {@case.What}:\n{dig.StdOut}");
            if (@case.OnChain is { } onChain)
                Assert.True(dig.StdOut.Contains(lab.Address(onChain).ToString(), StringComparison.Ordinal), $"{w} was not handed the on-chain address over TCP from {@case.What}:\n{dig.StdOut}");
            await AssertEvilAddressClosedAsync(w, kind, @case);
        }
    }

    [KernelTheory]
    [InlineData("cgroup")]
    [InlineData("vm")]
    public async Task An_alias_to_a_name_no_rule_mentions_teaches_its_target(string kind)
    {
        // The control for the alias case: following CNAMEs works (as every name behind a CDN needs), so what closes
        // the alias into denied.example is its deny rule.
        var w = lab.Attacker(kind);
        var @case = TrapZone.AliasToCdn;
        var token = Evidence.Token();
        var resolved = await w.Agent.AttemptAsync(new ProbeRequest("tcp", TrapZone.Question(@case, Evidence.Token()), null, LocalInternet.HttpPort, w.Dns.ToString(), token));
        Assert.True(resolved.Outcome == ProbeOutcome.Connected && resolved.Destination == lab.Address(@case.OnChain!.Value).ToString(),
            $"{w} could not use {@case.What}: {resolved}");
        Evidence.AssertReached(lab.Saw, token, $"{w} through the alias to edge.cdn.example");
    }
}

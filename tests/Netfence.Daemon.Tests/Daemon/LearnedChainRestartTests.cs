using System.Net;
using System.Net.Sockets;
using Netfence.Daemon.Store;
using Netfence.Dns.Learning;
using Netfence.Dns.Wire;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>
/// A restarted daemon judges what it learned before the restart on the whole chain of names that taught it, as the
/// daemon that learned it would have (pitfalls 10, 11 and 17): the store keeps every teaching's CNAME chain, and the DNS
/// server takes the teachings back at restore. A deny rule for an alias that arrives after the restart revokes the
/// addresses only that alias taught, and keeps one another allowed name also taught.
/// </summary>
public sealed class LearnedChainRestartTests
{
    static readonly IPAddress OnlyAlias = IPAddress.Parse("203.0.113.10"), Shared = IPAddress.Parse("203.0.113.20");

    static SubscribedAck Policy() => new()
    {
        Mode = PolicyMode.Allowlist,
        Dns = new DnsConfig
        {
            Mode = DnsMode.Allowlist,
            AllowDomains = { new DomainEntry { Domain = "q.example" }, new DomainEntry { Domain = "other.example" } },
        },
    };

    [Fact]
    public async Task An_address_learned_through_an_alias_before_a_restart_is_revoked_when_a_later_rule_denies_the_alias()
    {
        // q.example is a CNAME to alias.cdn, which has both addresses; other.example has the shared one itself.
        await using var upstream = new ScriptedUpstream()
            .Answer("q.example", ["alias.cdn"], OnlyAlias.ToString(), Shared.ToString())
            .Answer("other.example", [], Shared.ToString());
        var link = new FakeControlPlane { Answer = _ => Task.FromResult(Policy()) };
        await using var first = await InProcessDaemon.StartAsync(s => s["NETFENCE_DNS_UPSTREAM_SERVERS"] = upstream.Endpoint.ToString(), controlPlane: link);
        first.Targets.AddCgroup("/w");
        var attached = await first.Client.AttachAsync(new AttachRequest { CgroupPath = "/w" });
        var dns = IPEndPoint.Parse(attached.DnsAddress);
        Assert.Equal([OnlyAlias, Shared], await ResolveAsync(dns, "q.example"));
        Assert.Equal([Shared], await ResolveAsync(dns, "other.example"));
        Assert.Equal([OnlyAlias, Shared], KernelAddresses(first));
        var before = await TeachingsAsync(first, attached.Id);
        Assert.Equal(3, before.Count);

        await using var second = await first.RestartAsync(s => s["NETFENCE_DNS_UPSTREAM_SERVERS"] = upstream.Endpoint.ToString());
        // The restored server holds the same teachings, chains and expiries as the one that learned them.
        Assert.Equal(before, await TeachingsAsync(second, attached.Id));
        int asked = upstream.Asked;

        var result = await link.Host!.ApplyAsync(new ControlCommand { Id = attached.Id, Version = "v2", DenyDomain = new DomainEntry { Domain = "alias.cdn" } }, CancellationToken.None);

        Assert.Equal(CommandStatus.Ack, result.Status);
        // Revoked from the kernel: only q.example → alias.cdn taught it. The shared address stays, other.example vouches for it.
        Assert.Equal([Shared], KernelAddresses(second));
        Assert.Equal(["other.example → 203.0.113.20"], (await TeachingsAsync(second, attached.Id)).Select(t => $"{t.Chain} → {t.Address}"));
        // And from the store: a second restart brings back only what is still vouched for.
        using (var store = AttachmentStore.Open(second.DataDirectory))
            Assert.Equal([(Shared, "other.example")], store.GetLearnedIps(attached.Id).Select(l => (l.Address, l.Domain)));
        Assert.Equal(asked, upstream.Asked);
    }

    [Fact]
    public async Task A_stored_teaching_the_stored_rules_no_longer_allow_is_revoked_at_restore()
    {
        // As if netfenced crashed after storing a rule change and before revoking what it revokes: the store holds a
        // teaching through an alias the stored rules deny. The restarted DNS server judges it at its first configuration
        // and revokes it through the manager, from the kernel and the store; the allowed teaching stays.
        var link = new FakeControlPlane { Answer = _ => Task.FromResult(Policy()) };
        await using var first = await InProcessDaemon.StartAsync(controlPlane: link);
        first.Targets.AddCgroup("/w");
        var id = (await first.Client.AttachAsync(new AttachRequest { CgroupPath = "/w" })).Id;
        var until = DateTimeOffset.UtcNow.AddMinutes(5);
        var denied = new Netfence.Policy.Rules.LearnedIp(OnlyAlias, "q.example", until) { Aliases = ["alias.cdn"] };
        var allowed = new Netfence.Policy.Rules.LearnedIp(Shared, "other.example", until);
        Assert.Equal(Attachments.LearnOutcome.Written, (await first.Host.Manager.LearnAsync(id, [denied, allowed], [denied, allowed])).Outcome);
        var result = await link.Host!.ApplyAsync(new ControlCommand { Id = id, Version = "v2", DenyDomain = new DomainEntry { Domain = "alias.cdn" } }, CancellationToken.None);
        Assert.Equal(CommandStatus.Ack, result.Status);
        // The first daemon's DNS server never held the teaching (it was written past it), so nothing revoked it yet.
        Assert.Equal([OnlyAlias, Shared], KernelAddresses(first));

        await using var second = await first.RestartAsync();

        Assert.Equal([Shared], KernelAddresses(second));
        using (var store = AttachmentStore.Open(second.DataDirectory))
            Assert.Equal([allowed], store.GetLearnedIps(id));
        Assert.Equal(["other.example → 203.0.113.20"], (await TeachingsAsync(second, id)).Select(t => $"{t.Chain} → {t.Address}"));
    }

    static IPAddress[] KernelAddresses(InProcessDaemon daemon) => [.. daemon.Datapath.Learned.Keys.Select(k => k.Item2).OrderBy(a => a.ToString())];

    static async Task<List<Taught>> TeachingsAsync(InProcessDaemon daemon, string id) =>
        [.. (await daemon.Host.DnsServer.Find(id)!.TeachingsAsync()).OrderBy(t => t.ToString(), StringComparer.Ordinal)];

    // One A query over UDP; the addresses of a NOERROR answer, in order.
    static async Task<IPAddress[]> ResolveAsync(IPEndPoint server, string name)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server);
        var query = new DnsMessage { Id = 0x4242, Flags = 0x0100, Questions = [new DnsQuestion(DnsName.Parse(name), DnsType.A, DnsQuestion.ClassIn)] };
        await socket.SendAsync(DnsMessageWriter.Write(query));
        var buffer = new byte[65535];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(buffer.AsSpan(0, n), out var answer));
        Assert.Equal(DnsRcode.NoError, answer!.Rcode);
        return [.. answer.Answers.Select(r => r.Address).OfType<IPAddress>()];
    }
}

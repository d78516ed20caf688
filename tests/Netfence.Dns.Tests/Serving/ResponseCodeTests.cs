using System.Net;
using Netfence.Daemon.Configuration;
using Netfence.Dns.Learning;
using Netfence.Dns.Proxy;
using Netfence.Dns.Serving;
using Netfence.Dns.Tests.Support;
using Netfence.Dns.Wire;
using Netfence.Policy.Modes;
using DnsQueryRequest = Netfence.Protocol.V1.DnsQueryRequest;
using DnsQueryResponse = Netfence.Protocol.V1.DnsQueryResponse;

namespace Netfence.Dns.Tests.Serving;

[Collection("dnsmasq")]
public class ResponseCodeTests(DnsmasqFixture dnsmasq)
{
    IPEndPoint Upstream => dnsmasq.Upstream.Endpoint;

    static async Task<DnsMessage> Ask(TestServer server, string name, Transport transport = Transport.Udp, DnsType type = DnsType.A) =>
        Queries.Parse(await server.Attachment.HandleAsync(Queries.Bytes(name, type), transport, CancellationToken.None));

    [Fact]
    public async Task Before_configuration_everything_is_refused_and_nothing_is_forwarded()
    {
        await using var server = await TestServer.StartAsync(new DnsServerOptions { BlockedRcode = BlockedRcode.NxDomain }, upstream: Upstream);
        var answer = await Queries.UdpAsync(server.Endpoint, Queries.Bytes("unconfigured.allowed.test"));
        Assert.Equal(DnsRcode.Refused, answer!.Rcode);
        Assert.Equal(1, server.Attachment.Counters.Blocked);
        Assert.DoesNotContain("unconfigured.allowed.test", dnsmasq.Upstream.QueriedNames());
    }

    [Theory]
    [InlineData(BlockedRcode.Refused, DnsRcode.Refused)]
    [InlineData(BlockedRcode.NxDomain, DnsRcode.NxDomain)]
    public async Task Blocked_names_get_the_configured_rcode(BlockedRcode configured, DnsRcode expected)
    {
        await using var server = await TestServer.StartAsync(new DnsServerOptions { BlockedRcode = configured }, upstream: Upstream);
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["allowed.test+"]));
        var answer = await Ask(server, "x.denied.test");
        Assert.Equal(expected, answer.Rcode);
        Assert.Equal("x.denied.test", answer.Questions[0].Name.Text);
        Assert.Equal((1, 0), (server.Attachment.Counters.Blocked, server.Attachment.Counters.Allowed));
    }

    [Fact]
    public async Task Malformed_queries_get_formerr_and_responses_get_nothing()
    {
        await using var server = await TestServer.StartAsync(upstream: Upstream);
        var broken = Queries.Bytes("allowed.test")[..20];
        var formErr = Queries.Parse(await server.Attachment.HandleAsync(broken, Transport.Udp, default));
        Assert.Equal(DnsRcode.FormErr, formErr.Rcode);
        Assert.Equal(0x1234, formErr.Id);

        var response = Queries.Bytes("allowed.test");
        response[2] |= 0x80;
        Assert.Null(await server.Attachment.HandleAsync(response, Transport.Udp, default));
        Assert.Null(await server.Attachment.HandleAsync(new byte[5], Transport.Udp, default));

        var notify = Queries.Bytes("allowed.test");
        notify[2] |= 4 << 3; // opcode NOTIFY
        Assert.Equal(DnsRcode.NotImp, Queries.Parse(await server.Attachment.HandleAsync(notify, Transport.Udp, default)).Rcode);

        var two = Queries.Message("a.allowed.test");
        two.Questions.Add(two.Questions[0]);
        Assert.Equal(DnsRcode.FormErr, Queries.Parse(await server.Attachment.HandleAsync(DnsMessageWriter.Write(two), Transport.Udp, default)).Rcode);
        Assert.Equal(4, server.Attachment.Counters.Malformed);
    }

    [Fact]
    public async Task Names_over_the_length_limit_are_blocked_unresolved()
    {
        await using var server = await TestServer.StartAsync(new DnsServerOptions { MaxNameLength = 30 }, upstream: Upstream);
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Disabled));
        var name = "exfiltrated-secret-data.allowed.test";
        Assert.Equal(DnsRcode.Refused, (await Ask(server, name)).Rcode);
        Assert.Equal(1, server.Attachment.Counters.Blocked);
        Assert.DoesNotContain(name, dnsmasq.Upstream.QueriedNames());
    }

    [Fact]
    public async Task Queries_over_the_rate_limit_are_dropped_on_udp_and_refused_on_tcp()
    {
        await using var server = await TestServer.StartAsync(new DnsServerOptions { QueriesPerSecond = 3 }, upstream: Upstream);
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist));
        var answers = new List<byte[]?>();
        for (int i = 0; i < 10; i++) answers.Add(await server.Attachment.HandleAsync(Queries.Bytes("x.test"), Transport.Udp, default));
        Assert.Contains(null, answers);
        Assert.True(server.Attachment.Counters.RateLimited >= 5);
        var tcp = Queries.Parse(await server.Attachment.HandleAsync(Queries.Bytes("x.test"), Transport.Tcp, default));
        Assert.Equal(DnsRcode.Refused, tcp.Rcode);
    }

    [Fact]
    public async Task A_dead_upstream_gives_servfail_counted_as_neither_allowed_nor_blocked()
    {
        await using var server = await TestServer.StartAsync(upstream: new IPEndPoint(IPAddress.Loopback, 9));
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Denylist));
        Assert.Equal(DnsRcode.ServFail, (await Ask(server, "anything.test")).Rcode);
        Assert.Equal(DnsRcode.ServFail, (await Ask(server, "anything.test", Transport.Tcp)).Rcode);
        var c = server.Attachment.Counters;
        Assert.Equal((0L, 0L, 2L), (c.Allowed, c.Blocked, c.UpstreamFailures));
    }

    [Fact]
    public async Task Failover_reaches_the_second_upstream()
    {
        await using var server = await TestServer.StartAsync();
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["allowed.test+"], upstreams: [new IPEndPoint(IPAddress.Loopback, 9), Upstream]));
        var answer = await Ask(server, "failover.allowed.test");
        Assert.Equal(["192.0.2.10"], Queries.Addresses(answer).Select(a => a.ToString()));
    }

    [Fact]
    public async Task A_full_kernel_map_turns_the_answer_into_servfail()
    {
        await using var server = await TestServer.StartAsync(upstream: Upstream);
        server.Writer.FailWith = AllowlistFailure.MapFull;
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["allowed.test+"]));
        Assert.Equal(DnsRcode.ServFail, (await Ask(server, "full.allowed.test")).Rcode);
        Assert.Equal((1L, 0L), (server.Attachment.Counters.LearnFailures, server.Attachment.Counters.Allowed));
        Assert.Empty(server.Writer.Map);
    }

    sealed class ScriptedControlPlane(Func<DnsQueryRequest, DnsQueryResponse> answer) : IDnsControlPlane
    {
        public List<DnsQueryRequest> Requests { get; } = [];
        public Task<DnsQueryResponse> QueryDnsAsync(DnsQueryRequest request, CancellationToken cancellationToken)
        {
            lock (Requests) Requests.Add(request);
            return Task.FromResult(answer(request));
        }
    }

    [Fact]
    public async Task Proxy_mode_without_a_working_control_plane_fails_closed()
    {
        await using (var none = await TestServer.StartAsync(upstream: Upstream))
        {
            await none.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Proxy));
            Assert.Equal(DnsRcode.ServFail, (await Ask(none, "p.allowed.test")).Rcode);
        }
        var failing = new ScriptedControlPlane(_ => throw new InvalidOperationException("control plane down"));
        await using var server = await TestServer.StartAsync(controlPlane: failing, upstream: Upstream);
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Proxy));
        Assert.Equal(DnsRcode.ServFail, (await Ask(server, "p2.allowed.test")).Rcode);
        Assert.Equal(1, server.Attachment.Counters.ControlPlaneFailures);
        Assert.DoesNotContain("p2.allowed.test", dnsmasq.Upstream.QueriedNames());
    }

    [Fact]
    public async Task Proxy_mode_honours_deny_override_ips_add_to_filter_and_ttl()
    {
        var plane = new ScriptedControlPlane(r => r.Domain switch
        {
            "deny.allowed.test." => new DnsQueryResponse { Allow = false },
            "override.test." => new DnsQueryResponse { Allow = true, AddToFilter = true, Ips = { "198.51.100.7", "2001:db8::7" }, TtlSeconds = 120 },
            _ => new DnsQueryResponse { Allow = true, AddToFilter = r.Domain.StartsWith("learn", StringComparison.Ordinal) },
        });
        await using var server = await TestServer.StartAsync(controlPlane: plane, upstream: Upstream);
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Proxy));

        Assert.Equal(DnsRcode.Refused, (await Ask(server, "deny.allowed.test")).Rcode);

        var overridden = await Ask(server, "override.test");
        Assert.Equal([("198.51.100.7", 120u)], overridden.Answers.Select(r => (r.Address!.ToString(), r.Ttl)));
        Assert.True(server.Writer.Map.ContainsKey(IPAddress.Parse("198.51.100.7")));
        Assert.Equal(["2001:db8::7"], Queries.Addresses(await Ask(server, "override.test", type: DnsType.AAAA)).Select(a => a.ToString()));

        Assert.Equal(["192.0.2.10"], Queries.Addresses(await Ask(server, "nolearn.allowed.test")).Select(a => a.ToString()));
        Assert.False(server.Writer.Map.ContainsKey(IPAddress.Parse("192.0.2.10")));
        Assert.Equal(["192.0.2.10"], Queries.Addresses(await Ask(server, "learn.allowed.test")).Select(a => a.ToString()));
        Assert.True(server.Writer.Map.ContainsKey(IPAddress.Parse("192.0.2.10")));
        Assert.Contains(plane.Requests, r => r.Id == "att-1" && r.Domain == "learn.allowed.test." && r.QueryType == "A");
        Assert.Equal(1, server.Attachment.Counters.Blocked);
    }
}

[CollectionDefinition("dnsmasq")]
public class DnsmasqCollection : ICollectionFixture<DnsmasqFixture>;

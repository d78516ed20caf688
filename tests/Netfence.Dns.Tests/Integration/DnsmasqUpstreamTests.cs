using System.Diagnostics;
using System.Net;
using DnsClient;
using Netfence.Dns.Learning;
using Netfence.Dns.Serving;
using Netfence.Dns.Tests.Support;
using Netfence.Dns.Wire;
using Netfence.Policy.Modes;

namespace Netfence.Dns.Tests.Integration;

[Collection("dnsmasq")]
public class DnsmasqUpstreamTests(DnsmasqFixture dnsmasq)
{
    Dnsmasq Upstream => dnsmasq.Upstream;

    static string Dig(IPEndPoint server, params string[] args)
    {
        var start = new ProcessStartInfo("dig") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[$"@{server.Address}", "-p", server.Port.ToString(), "+time=3", "+tries=1", .. args]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(15_000), "dig did not finish");
        return output;
    }

    async Task<TestServer> Allowlist(params string[] allow)
    {
        var server = await TestServer.StartAsync(upstream: Upstream.Endpoint);
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, allow, ["denied.test+"]));
        return server;
    }

    [Fact]
    public async Task Allowed_names_resolve_with_dig_and_a_dotnet_resolver_and_are_learned()
    {
        await using var server = await Allowlist("allowed.test+", "v6.test");
        Assert.Equal("192.0.2.10", Dig(server.Endpoint, "+short", "www.allowed.test").Trim());

        var client = new LookupClient(new LookupClientOptions(new NameServer(server.Endpoint)) { UseCache = false, Timeout = TimeSpan.FromSeconds(3), Retries = 0 });
        var a = await client.QueryAsync("api.allowed.test", QueryType.A);
        Assert.Equal(["192.0.2.10"], a.Answers.ARecords().Select(r => r.Address.ToString()));
        var aaaa = await client.QueryAsync("v6.test", QueryType.AAAA);
        Assert.Equal(["2001:db8::1"], aaaa.Answers.AaaaRecords().Select(r => r.Address.ToString()));

        Assert.True(server.Writer.Map.ContainsKey(IPAddress.Parse("192.0.2.10")));
        Assert.True(server.Writer.Map.ContainsKey(IPAddress.Parse("2001:db8::1")));
        Assert.Equal(3, server.Attachment.Counters.Allowed);
    }

    [Fact]
    public async Task Denied_and_unknown_names_never_reach_the_upstream()
    {
        await using var server = await Allowlist("allowed.test+");
        var marker = $"marker{Random.Shared.Next()}.allowed.test";
        Assert.Contains("status: REFUSED", Dig(server.Endpoint, "secret.denied.test"));
        Assert.Contains("status: REFUSED", Dig(server.Endpoint, "+tcp", "tcp-secret.denied.test"));
        Assert.Contains("status: REFUSED", Dig(server.Endpoint, "unknown-exfil.other.test"));
        Assert.Equal("192.0.2.10", Dig(server.Endpoint, "+short", marker).Trim());
        // The marker went through after the denied names; once it is in the log, they would be too.
        Assert.True(await Queries.EventuallyAsync(() => Upstream.QueriedNames().Contains(marker)));
        var seen = Upstream.QueriedNames();
        Assert.DoesNotContain(seen, n => n.EndsWith("denied.test", StringComparison.Ordinal) || n.StartsWith("unknown-exfil", StringComparison.Ordinal));
        Assert.Equal(3, server.Attachment.Counters.Blocked);
    }

    [Fact]
    public async Task A_large_answer_is_truncated_over_udp_and_complete_over_tcp()
    {
        await using var server = await Allowlist("big.test");
        var udp = Dig(server.Endpoint, "+ignore", "big.test", "TXT");
        Assert.Matches(@"flags:[^;]*\btc\b", udp);
        var tcp = Dig(server.Endpoint, "+tcp", "+short", "big.test", "TXT");
        Assert.Equal(20, tcp.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(Dnsmasq.BigTxt, tcp);
        // Several queries on one TCP connection.
        var answers = await Queries.TcpAsync(server.Endpoint, Queries.Bytes("big.test", DnsType.TXT, 1), Queries.Bytes("big.test", DnsType.TXT, 2));
        Assert.Equal([20, 20], answers.Select(a => a.Answers.Count));
        Assert.Equal([(ushort)1, (ushort)2], answers.Select(a => a.Id));
    }

    [Fact]
    public async Task Learned_ips_are_in_the_map_before_the_answer_is_sent()
    {
        await using var server = await Allowlist("allowed.test+");
        server.Writer.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = Queries.UdpAsync(server.Endpoint, Queries.Bytes("order.allowed.test"));
        Assert.True(await Queries.EventuallyAsync(() => server.Writer.Waiting == 1));
        // The write is held: the client must still be waiting.
        Assert.False(answer.IsCompleted);
        Assert.Empty(server.Writer.Map);
        server.Writer.Gate.SetResult();
        var message = await answer;
        Assert.Equal(["192.0.2.10"], Queries.Addresses(message!).Select(a => a.ToString()));
        Assert.True(server.Writer.Map.ContainsKey(IPAddress.Parse("192.0.2.10")));
    }

    [Fact]
    public async Task A_cname_chain_teaches_its_target_and_rebinding_answers_are_stripped()
    {
        await using var server = await Allowlist("alias.test", "rebind.test", "meta.test");
        var alias = await Queries.UdpAsync(server.Endpoint, Queries.Bytes("alias.test"));
        Assert.Equal(["192.0.2.20"], Queries.Addresses(alias!).Select(a => a.ToString()));
        Assert.Equal("alias.test", server.Writer.Map[IPAddress.Parse("192.0.2.20")].Domain);

        foreach (var name in new[] { "rebind.test", "meta.test" })
        {
            var answer = await Queries.UdpAsync(server.Endpoint, Queries.Bytes(name));
            Assert.Equal(DnsRcode.NoError, answer!.Rcode);
            Assert.Empty(Queries.Addresses(answer));
        }
        Assert.Equal(2, server.Attachment.Counters.RebindingStripped);
        Assert.DoesNotContain(IPAddress.Parse("10.0.0.5"), server.Writer.Map.Keys);
        Assert.DoesNotContain(IPAddress.Parse("169.254.169.254"), server.Writer.Map.Keys);
    }

    [Fact]
    public async Task Removing_or_denying_a_name_revokes_what_it_taught()
    {
        await using var server = await Allowlist("allowed.test+", "target.test");
        await Queries.UdpAsync(server.Endpoint, Queries.Bytes("a.allowed.test"));
        await Queries.UdpAsync(server.Endpoint, Queries.Bytes("target.test"));
        Assert.Equal(2, server.Writer.Map.Count);
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["allowed.test+", "target.test"], ["a.allowed.test"]));
        Assert.Equal(["192.0.2.20"], server.Writer.Map.Keys.Select(a => a.ToString()));
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["allowed.test+"]));
        Assert.Empty(server.Writer.Map);
        Assert.Equal(DnsRcode.Refused, (await Queries.UdpAsync(server.Endpoint, Queries.Bytes("target.test")))!.Rcode);
    }

    [Fact]
    public async Task The_cache_answers_repeats_with_lower_ttls_and_refreshes_the_kernel_entries_only_when_that_extends_them_past_the_slack()
    {
        // A 10-minute minimum over dnsmasq's 300 s records: a cache hit t seconds later teaches an expiry t seconds later.
        var time = new ManualTime();
        var writer = new FakeAllowlistWriter();
        var ttl = new LearnedTtl(TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromSeconds(30));
        await using var dns = new DnsServer(new DnsServerOptions { DefaultUpstreams = [Upstream.Endpoint], Ttl = ttl }, writer, time: time);
        var attachment = await dns.OpenAsync("cache", new IPEndPoint(IPAddress.Loopback, 0));
        await attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["allowed.test+"]));
        var name = $"cached{Random.Shared.Next()}.allowed.test";
        var first = await Queries.UdpAsync(attachment.Endpoint!, Queries.Bytes(name));
        var firstExpiry = writer.Map[IPAddress.Parse("192.0.2.10")].ExpiresAt;

        // 5 s later: 5 s more is within the refresh slack (half the 30 s grace), so the kernel is not written; what it
        // holds still outlives the answer's TTL by 25 s.
        time.Advance(TimeSpan.FromSeconds(5));
        var second = await Queries.UdpAsync(attachment.Endpoint!, Queries.Bytes(name));
        Assert.Equal(first!.Answers[0].Ttl - 5, second!.Answers[0].Ttl);
        Assert.Equal(1, attachment.Counters.CacheHits);
        Assert.Equal(1, Upstream.QueriedNames().Count(n => n == name));
        Assert.Equal(1, writer.Calls.Count(c => c.StartsWith("write", StringComparison.Ordinal)));
        Assert.Equal(firstExpiry, writer.Map[IPAddress.Parse("192.0.2.10")].ExpiresAt);

        // 20 s after the first answer: past the slack, the entry is extended to what this answer teaches.
        time.Advance(TimeSpan.FromSeconds(15));
        await Queries.UdpAsync(attachment.Endpoint!, Queries.Bytes(name));
        Assert.Equal(2, attachment.Counters.CacheHits);
        Assert.Equal(2, writer.Calls.Count(c => c.StartsWith("write", StringComparison.Ordinal)));
        Assert.Equal(firstExpiry + TimeSpan.FromSeconds(20), writer.Map[IPAddress.Parse("192.0.2.10")].ExpiresAt);

        // At the same instant, the same answer would teach the same expiry: the kernel is not written again.
        await Queries.UdpAsync(attachment.Endpoint!, Queries.Bytes(name));
        Assert.Equal(3, attachment.Counters.CacheHits);
        Assert.Equal(2, writer.Calls.Count(c => c.StartsWith("write", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_cache_hit_that_would_teach_the_same_expiry_does_not_write_the_kernel_again()
    {
        // dnsmasq's 300 s records under the default clamp: an answer 5 s older from the cache expires at the same instant.
        var time = new ManualTime();
        var writer = new FakeAllowlistWriter();
        await using var dns = new DnsServer(new DnsServerOptions { DefaultUpstreams = [Upstream.Endpoint] }, writer, time: time);
        var attachment = await dns.OpenAsync("cache", new IPEndPoint(IPAddress.Loopback, 0));
        await attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["allowed.test+"]));
        var name = $"same{Random.Shared.Next()}.allowed.test";
        await Queries.UdpAsync(attachment.Endpoint!, Queries.Bytes(name));
        var firstExpiry = writer.Map[IPAddress.Parse("192.0.2.10")].ExpiresAt;
        time.Advance(TimeSpan.FromSeconds(5));
        var second = await Queries.UdpAsync(attachment.Endpoint!, Queries.Bytes(name));
        Assert.Equal(["192.0.2.10"], Queries.Addresses(second!).Select(a => a.ToString()));
        Assert.Equal(1, attachment.Counters.CacheHits);
        Assert.Equal(1, writer.Calls.Count(c => c.StartsWith("write", StringComparison.Ordinal)));
        Assert.Equal(firstExpiry, writer.Map[IPAddress.Parse("192.0.2.10")].ExpiresAt);
    }

    [Fact]
    public async Task An_answer_with_more_addresses_than_the_cap_gives_the_client_only_the_learned_ones()
    {
        await using var server = await TestServer.StartAsync(new DnsServerOptions { MaxIpsPerName = 4 }, upstream: Upstream.Endpoint);
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["wide.test"]));

        var fresh = await Queries.UdpAsync(server.Endpoint, Queries.Bytes("wide.test"));
        var answered = Queries.Addresses(fresh!).Select(a => a.ToString()).Order().ToList();
        Assert.Equal(4, answered.Count);
        Assert.Equal(answered, server.Writer.Map.Keys.Select(a => a.ToString()).Order());
        Assert.Equal(Dnsmasq.WideCount - 4, server.Attachment.Counters.AddressesCapped);

        // The cached answer is the capped one, and a TCP answer is capped the same way.
        var cached = await Queries.UdpAsync(server.Endpoint, Queries.Bytes("wide.test"));
        Assert.Equal(answered, Queries.Addresses(cached!).Select(a => a.ToString()).Order());
        Assert.Equal(1, server.Attachment.Counters.CacheHits);
        var overTcp = await Queries.TcpAsync(server.Endpoint, Queries.Bytes("wide.test", DnsType.A, 7));
        Assert.All(Queries.Addresses(overTcp.Single()), a => Assert.Contains(a, server.Writer.Map.Keys));
        Assert.Equal(4, server.Writer.Map.Count);
    }

    [Fact]
    public async Task A_cache_hit_carries_the_querys_id_spelling_and_edns_use()
    {
        await using var server = await Allowlist("allowed.test+");
        var name = $"case{Random.Shared.Next()}.allowed.test";
        await Queries.UdpAsync(server.Endpoint, Queries.Bytes(name, DnsType.A, 1, edns: true));

        // 0x20 case randomisation: the cached answer echoes the question as this client spelled it, under its id.
        var shouted = name.ToUpperInvariant();
        var hit = await Queries.UdpAsync(server.Endpoint, Queries.Bytes(shouted, DnsType.A, 2, edns: true));
        Assert.Equal(1, server.Attachment.Counters.CacheHits);
        Assert.Equal((ushort)2, hit!.Id);
        Assert.Equal(DnsName.Parse(shouted).Wire.ToArray(), hit.Questions[0].Name.Wire.ToArray());
        Assert.NotNull(hit.Opt);
        Assert.Equal(["192.0.2.10"], Queries.Addresses(hit).Select(a => a.ToString()));

        // A client without EDNS(0) gets no OPT record, as it would from upstream.
        var plain = await Queries.UdpAsync(server.Endpoint, Queries.Bytes(name, DnsType.A, 3));
        Assert.Null(plain!.Opt);
        Assert.Equal(["192.0.2.10"], Queries.Addresses(plain).Select(a => a.ToString()));
    }

    sealed class ManualTime : TimeProvider
    {
        long _ticks = DateTimeOffset.UtcNow.UtcTicks;
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        public override long GetTimestamp() => Interlocked.Read(ref _ticks);
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }
}

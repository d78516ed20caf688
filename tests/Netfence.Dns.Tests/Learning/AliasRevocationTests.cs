using System.Net;
using Netfence.Dns.Tests.Support;
using Netfence.Dns.Wire;
using Netfence.Policy.Modes;

namespace Netfence.Dns.Tests.Learning;

/// <summary>
/// A rule change judges every learned address again on the chain of names that taught it, as if the answer arrived
/// under the new rules (pitfalls 11 and 17): an address learned through an allowed alias into a zone a deny rule added
/// later matches is revoked — unless another allowed name also taught it — and the cached answer that handed it out is
/// dropped. A change that only allows more revokes nothing. Against the dnsmasq zone: cdn.shop.test is a CNAME to
/// edge.tracker.test (192.0.2.30), apex.shop.test one to tracker.test (192.0.2.31), and direct.test has 192.0.2.30 too.
/// </summary>
[Collection("dnsmasq")]
public class AliasRevocationTests(DnsmasqFixture dnsmasq)
{
    static readonly IPAddress Edge = IPAddress.Parse("192.0.2.30"), Apex = IPAddress.Parse("192.0.2.31");

    Dnsmasq Upstream => dnsmasq.Upstream;

    async Task<TestServer> StartAsync(string[] allow, string[]? deny = null)
    {
        var server = await TestServer.StartAsync(upstream: Upstream.Endpoint);
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, allow, deny));
        return server;
    }

    static async Task<DnsMessage> AskAsync(TestServer server, string name)
    {
        var answer = await Queries.UdpAsync(server.Endpoint, Queries.Bytes(name));
        Assert.NotNull(answer);
        Assert.Equal(DnsRcode.NoError, answer.Rcode);
        return answer;
    }

    int Asked(string name) => Upstream.QueriedNames().Count(n => n == name);

    [Theory]
    [InlineData("tracker.test+", true)]   // the zone and everything below it: both aliases' targets
    [InlineData("*.tracker.test", false)] // only below the apex: edge.tracker.test, not tracker.test itself
    public async Task An_address_learned_through_an_alias_is_revoked_when_a_later_rule_denies_the_alias_target(string deny, bool apexDenied)
    {
        string[] allow = ["cdn.shop.test", "apex.shop.test"];
        await using var server = await StartAsync(allow);
        Assert.Equal([Edge], Queries.Addresses(await AskAsync(server, "cdn.shop.test")));
        Assert.Equal([Apex], Queries.Addresses(await AskAsync(server, "apex.shop.test")));
        Assert.True(server.Writer.Map.ContainsKey(Edge) && server.Writer.Map.ContainsKey(Apex));
        // Until the rule change, the cache hands the alias's answer out again without asking the upstream.
        Assert.Equal([Edge], Queries.Addresses(await AskAsync(server, "cdn.shop.test")));
        Assert.Equal(1, server.Attachment.Counters.CacheHits);
        int asked = Asked("cdn.shop.test");

        var result = await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, allow, [deny]));

        Assert.True(result.Succeeded, result.Detail);
        Assert.False(server.Writer.Map.ContainsKey(Edge), $"{Edge}, learned through edge.tracker.test, is still allowed after deny {deny}");
        Assert.Equal(!apexDenied, server.Writer.Map.ContainsKey(Apex));
        // A fresh query: not from the cache, and the answer's chain now ends before the denied name, so it hands out no
        // address (the CNAME stays: the client sees why).
        var fresh = await AskAsync(server, "cdn.shop.test");
        Assert.Empty(Queries.Addresses(fresh));
        Assert.Equal([DnsType.CNAME], fresh.Answers.Select(r => r.Type));
        Assert.Equal(1, server.Attachment.Counters.CacheHits);
        Assert.True(await Queries.EventuallyAsync(() => Asked("cdn.shop.test") == asked + 1), "the upstream was not asked again after the rule change");
        Assert.False(server.Writer.Map.ContainsKey(Edge));
        Assert.Equal(apexDenied ? [] : [Apex], Queries.Addresses(await AskAsync(server, "apex.shop.test")));
    }

    [Fact]
    public async Task An_address_another_allowed_name_also_taught_stays()
    {
        string[] allow = ["cdn.shop.test", "direct.test"];
        await using var server = await StartAsync(allow);
        Assert.Equal([Edge], Queries.Addresses(await AskAsync(server, "cdn.shop.test")));
        Assert.Equal([Edge], Queries.Addresses(await AskAsync(server, "direct.test")));

        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, allow, ["tracker.test+"]));

        // direct.test still vouches for the address, so the kernel keeps it (under direct.test now).
        Assert.Equal("direct.test", server.Writer.Map[Edge].Domain);
        Assert.DoesNotContain(server.Writer.Calls, c => c.StartsWith("remove", StringComparison.Ordinal));
        // The alias's teaching of it is withdrawn all the same, so that the store forgets it and a restart does not bring it back.
        Assert.Contains("withdraw 192.0.2.30 cdn.shop.test → edge.tracker.test", server.Writer.Calls);
        Assert.Equal([("direct.test", "")], server.Writer.Taught.Select(t => (t.Domain, string.Join(" ", t.Aliases))));
        // The alias no longer hands it out; direct.test does, from the cache (its answer depends on no changed name).
        Assert.Empty(Queries.Addresses(await AskAsync(server, "cdn.shop.test")));
        Assert.Equal([Edge], Queries.Addresses(await AskAsync(server, "direct.test")));
        Assert.Equal(1, server.Attachment.Counters.CacheHits);

        // Once direct.test may no longer teach either, nothing vouches for the address.
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["cdn.shop.test"], ["tracker.test+"]));
        Assert.False(server.Writer.Map.ContainsKey(Edge));
    }

    [Fact]
    public async Task A_change_that_only_allows_more_revokes_nothing_and_keeps_unrelated_cached_answers()
    {
        await using var server = await StartAsync(["cdn.shop.test"], ["other.test+"]);
        Assert.Equal([Edge], Queries.Addresses(await AskAsync(server, "cdn.shop.test")));
        var before = server.Writer.Map;

        // A rule added to the allow list and one removed from the deny list: neither can withdraw anything.
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["cdn.shop.test", "allowed.test+", "edge.tracker.test"]));

        Assert.DoesNotContain(server.Writer.Calls, c => c.StartsWith("remove", StringComparison.Ordinal));
        Assert.Equal(before, server.Writer.Map);
        // The allow rule for edge.tracker.test matches a name of the cached answer, which is dropped (a changed rule may
        // change an answer's shape either way); one for a name of no answer leaves the cache as it was.
        Assert.Equal([Edge], Queries.Addresses(await AskAsync(server, "cdn.shop.test")));
        Assert.Equal(0, server.Attachment.Counters.CacheHits);
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["cdn.shop.test", "allowed.test+", "edge.tracker.test", "more.test"]));
        Assert.Equal([Edge], Queries.Addresses(await AskAsync(server, "cdn.shop.test")));
        Assert.Equal(1, server.Attachment.Counters.CacheHits);
        Assert.DoesNotContain(server.Writer.Calls, c => c.StartsWith("remove", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Removing_the_deny_rule_lets_the_alias_teach_at_once()
    {
        // The cached answer was cut before edge.tracker.test; with the rule gone, a fresh answer teaches the target.
        await using var server = await StartAsync(["cdn.shop.test"], ["*.tracker.test"]);
        Assert.Empty(Queries.Addresses(await AskAsync(server, "cdn.shop.test")));
        Assert.False(server.Writer.Map.ContainsKey(Edge));

        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["cdn.shop.test"]));

        Assert.Equal([Edge], Queries.Addresses(await AskAsync(server, "cdn.shop.test")));
        Assert.Equal(0, server.Attachment.Counters.CacheHits);
        Assert.True(server.Writer.Map.ContainsKey(Edge));
    }

    [Fact]
    public async Task Denying_the_question_itself_still_revokes_what_it_taught_through_an_alias()
    {
        await using var server = await StartAsync(["shop.test+"]);
        Assert.Equal([Edge], Queries.Addresses(await AskAsync(server, "cdn.shop.test")));

        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["shop.test+"], ["cdn.shop.test"]));

        Assert.False(server.Writer.Map.ContainsKey(Edge));
        Assert.Equal(DnsRcode.Refused, (await Queries.UdpAsync(server.Endpoint, Queries.Bytes("cdn.shop.test")))!.Rcode);
    }

    [Fact]
    public async Task What_the_writer_is_told_to_keep_is_the_servers_own_teachings_after_every_change()
    {
        // netfenced's store mirrors the teachings through the writer, and a restarted server takes them back from it:
        // after learning, a revocation that keeps a shared address, and one that removes it, the mirror must hold exactly
        // the server's pairs (chains and expiries included), or a restart would judge other teachings than the server did.
        await using var server = await StartAsync(["cdn.shop.test", "apex.shop.test", "direct.test"]);
        await AskAsync(server, "cdn.shop.test");
        await AskAsync(server, "apex.shop.test");
        await AskAsync(server, "direct.test");
        await AssertMirroredAsync(server, 3);

        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["cdn.shop.test", "apex.shop.test", "direct.test"], ["*.tracker.test"]));
        await AssertMirroredAsync(server, 2);

        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["cdn.shop.test"], ["*.tracker.test"]));
        await AssertMirroredAsync(server, 0);
        Assert.Empty(server.Writer.Map);
    }

    static async Task AssertMirroredAsync(TestServer server, int count)
    {
        var own = (await server.Attachment.TeachingsAsync()).Select(t => t.ToLearnedIp()).OrderBy(l => l.ToString(), StringComparer.Ordinal).ToList();
        Assert.Equal(count, own.Count);
        Assert.Equal(own, server.Writer.Taught.OrderBy(l => l.ToString(), StringComparer.Ordinal));
    }
}

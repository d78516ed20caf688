using System.Net;
using Netfence.Dns.Caching;
using Netfence.Dns.Filtering;
using Netfence.Dns.Tests.Support;
using Netfence.Dns.Wire;
using Netfence.Policy.Modes;

namespace Netfence.Dns.Tests.Caching;

/// <summary>
/// The answer cache across rule changes: an entry goes when a changed rule matches a name its filtering depended on
/// (its chain, or the denied name the chain ended before), stays otherwise, and an answer filtered under an older
/// configuration than the cache's is never stored.
/// </summary>
public class AnswerCacheTests
{
    static readonly string[] Allow = ["cdn.shop.test"];

    static DnsName N(string s) => DnsName.Parse(s);

    // cdn.shop.test CNAME edge.tracker.test, edge.tracker.test A 192.0.2.30, filtered as the DNS server would.
    static (DnsMessage Query, DnsMessage Answer, FilteredAnswer Filtered) Resolved(string? deny = null)
    {
        var query = Queries.Message("cdn.shop.test");
        var answer = DnsMessage.ResponseTo(query, DnsRcode.NoError);
        answer.Answers.Add(new DnsRecord(N("cdn.shop.test"), DnsType.CNAME, DnsQuestion.ClassIn, 60, N("edge.tracker.test").Wire.ToArray(), N("edge.tracker.test")));
        answer.Answers.Add(DnsRecord.ForAddress(N("edge.tracker.test"), IPAddress.Parse("192.0.2.30"), 60));
        var matcher = new DomainRuleMatcher(TestServer.Policy(DnsMode.Allowlist, Allow, deny is null ? null : [deny]));
        var filtered = AnswerFilter.Apply(answer, query.Questions[0], true, _ => false, deniedName: n => matcher.MostSpecific(n.Text) == Verdict.Block);
        return (query, answer, filtered);
    }

    static AnswerCache Configured(string? deny = null)
    {
        var cache = new AnswerCache(16, TimeProvider.System);
        cache.Reconfigure(1, RuleChange.Between(null, TestServer.Policy(DnsMode.Allowlist, Allow, deny is null ? null : [deny])), all: true);
        return cache;
    }

    static bool Has(AnswerCache cache, DnsMessage query) => cache.TryGet(query, 4096, learn: true, out _, out _, out _);

    [Theory]
    [InlineData("tracker.test+", true)]
    [InlineData("*.tracker.test", true)]
    [InlineData("edge.tracker.test", true)]
    [InlineData("*.edge.tracker.test", false)] // below the target only: the answer does not depend on it
    [InlineData("other.test+", false)]
    public void A_new_deny_rule_drops_the_answers_whose_chain_it_matches(string deny, bool dropped)
    {
        var cache = Configured();
        var (query, answer, filtered) = Resolved();
        cache.Store(query, answer, filtered, judgedUnder: 1);
        Assert.True(cache.TryGet(query, 4096, true, out _, out var learnable, out var validUnder));
        Assert.Equal(1, validUnder);
        Assert.Equal(["cdn.shop.test → edge.tracker.test"], learnable!.Select(l => l.Chain.ToString()));

        var before = TestServer.Policy(DnsMode.Allowlist, Allow);
        var after = TestServer.Policy(DnsMode.Allowlist, Allow, [deny]);
        Assert.Equal(dropped ? 1 : 0, cache.Reconfigure(2, RuleChange.Between(before, after), all: false));
        Assert.Equal(!dropped, Has(cache, query));
    }

    [Fact]
    public void Removing_the_deny_rule_that_cut_a_chain_drops_the_cut_answer()
    {
        var cache = Configured("*.tracker.test");
        var (query, answer, filtered) = Resolved("*.tracker.test");
        Assert.Empty(filtered.Learnable);
        cache.Store(query, answer, filtered, judgedUnder: 1);
        Assert.True(Has(cache, query));
        var change = RuleChange.Between(TestServer.Policy(DnsMode.Allowlist, Allow, ["*.tracker.test"]), TestServer.Policy(DnsMode.Allowlist, Allow));
        Assert.Empty(change.Narrowing);
        cache.Reconfigure(2, change, all: false);
        Assert.False(Has(cache, query));
    }

    [Fact]
    public void An_answer_judged_under_an_older_configuration_is_not_stored()
    {
        var cache = Configured();
        cache.Reconfigure(2, RuleChange.Between(TestServer.Policy(DnsMode.Allowlist, Allow), TestServer.Policy(DnsMode.Allowlist, Allow, ["tracker.test+"])), all: false);
        var (query, answer, filtered) = Resolved();
        cache.Store(query, answer, filtered, judgedUnder: 1);
        Assert.False(Has(cache, query));
        cache.Store(query, answer, filtered, judgedUnder: 2);
        Assert.True(Has(cache, query));
    }

    [Fact]
    public void A_mode_change_drops_everything()
    {
        var cache = Configured();
        var (query, answer, filtered) = Resolved();
        cache.Store(query, answer, filtered, judgedUnder: 1);
        var change = RuleChange.Between(TestServer.Policy(DnsMode.Allowlist, Allow), TestServer.Policy(DnsMode.Denylist, Allow));
        Assert.True(change.Everything);
        Assert.Equal(1, cache.Reconfigure(2, change, all: false));
        Assert.Equal(0, cache.Count);
    }
}

using System.Net;
using Netfence.Dns.Learning;

namespace Netfence.Dns.Tests.Learning;

public class LearningTests
{
    static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly IPAddress Ip1 = IPAddress.Parse("192.0.2.1"), Ip2 = IPAddress.Parse("192.0.2.2");

    // Teachings of addresses whose record the question itself owns (no CNAME on the way).
    static List<Taught> Direct(string question, params (IPAddress Address, DateTimeOffset ExpiresAt)[] learned)
    {
        var chain = TeachingChain.Of(question);
        return [.. learned.Select(l => new Taught(l.Address, l.ExpiresAt, chain))];
    }

    [Theory]
    [InlineData(5u, 30 + 10)]      // below the minimum: clamped up
    [InlineData(300u, 300 + 10)]   // inside: kept
    [InlineData(86400u, 3600 + 10)] // above the maximum: clamped down
    [InlineData(0u, 30 + 10)]
    public void Expiry_is_the_clamped_ttl_plus_grace(uint ttl, int seconds)
    {
        var policy = new LearnedTtl(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), TimeSpan.FromSeconds(10));
        Assert.Equal(Now.AddSeconds(seconds), policy.ExpiryFor(ttl, Now));
    }

    [Fact]
    public void A_fresh_answer_extends_and_never_shortens()
    {
        var index = new LearnedIpIndex(8);
        index.Learn(Direct("a.com", (Ip1, Now.AddMinutes(5))));
        Assert.Equal(Now.AddMinutes(10), index.Plan(Direct("a.com", (Ip1, Now.AddMinutes(10))))[0].ExpiresAt);
        index.Learn(Direct("a.com", (Ip1, Now.AddMinutes(10))));
        Assert.Equal(Now.AddMinutes(10), index.Plan(Direct("a.com", (Ip1, Now.AddMinutes(1))))[0].ExpiresAt);
        // Another name's shorter TTL does not shorten the kernel entry either.
        Assert.Equal(Now.AddMinutes(10), index.Plan(Direct("b.com", (Ip1, Now.AddMinutes(2))))[0].ExpiresAt);
    }

    [Fact]
    public void A_fresh_answer_within_the_refresh_slack_is_covered_and_one_past_it_is_not()
    {
        var ttl = new LearnedTtl(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(15), ttl.RefreshSlack);
        var index = new LearnedIpIndex(8);
        index.Learn(Direct("a.com", (Ip1, Now.AddMinutes(5))));
        Assert.True(index.Covers(Direct("a.com", (Ip1, Now.AddMinutes(5).AddSeconds(15))), ttl.RefreshSlack));
        Assert.False(index.Covers(Direct("a.com", (Ip1, Now.AddMinutes(5).AddSeconds(16))), ttl.RefreshSlack));
        // Without slack every extension counts; another name's teaching is never covered by this one's.
        Assert.False(index.Covers(Direct("a.com", (Ip1, Now.AddMinutes(5).AddSeconds(1)))));
        Assert.False(index.Covers(Direct("b.com", (Ip1, Now.AddMinutes(1))), ttl.RefreshSlack));
        Assert.Equal(TimeSpan.Zero, new LearnedTtl(TimeSpan.Zero, TimeSpan.FromHours(1), TimeSpan.Zero).RefreshSlack);
    }

    [Fact]
    public void Revoking_a_name_keeps_addresses_another_allowed_name_taught()
    {
        var index = new LearnedIpIndex(8);
        index.Learn(Direct("a.com", (Ip1, Now.AddMinutes(10)), (Ip2, Now.AddMinutes(10))));
        index.Learn(Direct("b.com", (Ip2, Now.AddMinutes(3))));
        var (remove, rewrite, withdrawn) = index.Revoke(chain => chain.Question != "a.com");
        Assert.Equal([Ip1], remove);
        // Ip2 stays, now only as long as b.com vouches for it; a.com's teaching of it is reported for the store to forget.
        Assert.Equal([(Ip2, "b.com", Now.AddMinutes(3))], rewrite.Select(r => (r.Address, r.Domain, r.ExpiresAt)));
        Assert.Equal([new Taught(Ip2, Now.AddMinutes(10), TeachingChain.Of("a.com"))], withdrawn);
        Assert.Equal(["b.com"], index.Names);
    }

    [Fact]
    public void A_teaching_is_found_by_every_name_on_its_chain_and_the_zones_above_them()
    {
        var index = new LearnedIpIndex(8);
        var chain = TeachingChain.Through(["cdn.example.com", "edge.tracker.net"]);
        index.Learn([new Taught(Ip1, Now.AddMinutes(10), chain)]);
        index.Learn(Direct("plain.org", (Ip2, Now.AddMinutes(10))));
        foreach (var name in new[] { "edge.tracker.net", "tracker.net", "net", "cdn.example.com", "example.com" })
            Assert.Equal([chain], index.ChainsAtOrBelow(name));
        Assert.Empty(index.ChainsAtOrBelow("other.net"));
        Assert.Empty(index.ChainsAtOrBelow("racker.net"));
        Assert.Equal([TeachingChain.Of("plain.org")], index.ChainsAtOrBelow("org"));
        Assert.Equal("cdn.example.com", index.Plan([new Taught(Ip1, Now, chain)])[0].Domain);
    }

    [Fact]
    public void Revoking_only_candidates_judges_nothing_else()
    {
        var index = new LearnedIpIndex(8);
        var alias = TeachingChain.Through(["cdn.example.com", "edge.tracker.net"]);
        index.Learn([new Taught(Ip1, Now.AddMinutes(10), alias)]);
        index.Learn(Direct("plain.org", (Ip2, Now.AddMinutes(10))));
        var judged = new List<TeachingChain>();
        var (remove, rewrite, withdrawn) = index.Revoke(chain =>
        {
            judged.Add(chain);
            return false;
        }, index.ChainsAtOrBelow("tracker.net"));
        Assert.Equal([alias], judged);
        Assert.Equal([Ip1], remove);
        Assert.Empty(rewrite);
        Assert.Empty(withdrawn);
        Assert.Equal(["plain.org"], index.Names);
        Assert.Empty(index.ChainsAtOrBelow("tracker.net"));
    }

    [Fact]
    public void One_question_through_two_chains_keeps_an_address_while_either_teaches_it()
    {
        // The same answer name reached two ways over time (an edge that moved): withdrawing one chain keeps the address.
        var index = new LearnedIpIndex(8);
        var viaTracker = TeachingChain.Through(["cdn.example.com", "edge.tracker.net"]);
        var viaCdn = TeachingChain.Through(["cdn.example.com", "edge.cdn.net"]);
        index.Learn([new Taught(Ip1, Now.AddMinutes(10), viaTracker)]);
        index.Learn([new Taught(Ip1, Now.AddMinutes(5), viaCdn)]);
        Assert.Equal(1, index.AddressCount);
        var (remove, rewrite, withdrawn) = index.Revoke(chain => !chain.Names.Contains("edge.tracker.net"), index.ChainsAtOrBelow("tracker.net"));
        Assert.Empty(remove);
        Assert.Equal([(Ip1, "cdn.example.com", Now.AddMinutes(5))], rewrite.Select(r => (r.Address, r.Domain, r.ExpiresAt)));
        Assert.Equal([new Taught(Ip1, Now.AddMinutes(10), viaTracker)], withdrawn);
    }

    [Fact]
    public void One_learn_takes_one_question()
    {
        var index = new LearnedIpIndex(8);
        var e = Assert.Throws<ArgumentException>(() => index.Learn([new Taught(Ip1, Now, TeachingChain.Of("a.com")), new Taught(Ip2, Now, TeachingChain.Of("b.com"))]));
        Assert.Contains("a.com, b.com", e.Message);
        Assert.Throws<ArgumentException>(() => TeachingChain.Through([]));
    }

    [Fact]
    public void Sweeping_removes_expired_pairs_only()
    {
        var index = new LearnedIpIndex(8);
        index.Learn(Direct("a.com", (Ip1, Now.AddMinutes(1))));
        index.Learn(Direct("b.com", (Ip1, Now.AddMinutes(5)), (Ip2, Now.AddMinutes(1))));
        Assert.Equal([Ip2], index.Sweep(Now.AddMinutes(2)));
        Assert.Equal(["b.com"], index.ChainsOf(Ip1).Keys.Select(c => c.Question));
        Assert.Equal([Ip1], index.Sweep(Now.AddMinutes(6)));
        Assert.Equal(0, index.AddressCount);
    }

    [Fact]
    public void A_name_teaches_at_most_its_cap_and_the_oldest_make_room()
    {
        var index = new LearnedIpIndex(2);
        index.Learn(Direct("a.com", (Ip1, Now.AddMinutes(1)), (Ip2, Now.AddMinutes(2))));
        var ip3 = IPAddress.Parse("192.0.2.3");
        var (remove, rewrite, withdrawn) = index.Learn(Direct("a.com", (ip3, Now.AddMinutes(3))));
        Assert.Equal([Ip1], remove);
        Assert.Empty(rewrite);
        Assert.Empty(withdrawn);
        Assert.Equal(2, index.AddressCount);
    }

    // a.com's pair shorter than b.com's, and longer (the withdrawn pair was the address's longest: the rewrite shortens it).
    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void The_cap_withdraws_a_pair_of_an_address_another_question_keeps_and_rewrites_it_to_the_rest(int aMinutes)
    {
        var index = new LearnedIpIndex(1);
        index.Learn(Direct("a.com", (Ip1, Now.AddMinutes(aMinutes))));
        index.Learn(Direct("b.com", (Ip1, Now.AddMinutes(5))));
        var (remove, rewrite, withdrawn) = index.Learn(Direct("a.com", (Ip2, Now.AddMinutes(3))));
        Assert.Empty(remove);
        Assert.Equal([new Taught(Ip1, Now.AddMinutes(aMinutes), TeachingChain.Of("a.com"))], withdrawn);
        // What the kernel must hold now: b.com's five minutes, whatever a.com's pair gave.
        Assert.Equal([(Ip1, "b.com", Now.AddMinutes(5))], rewrite.Select(r => (r.Address, r.Domain, r.ExpiresAt)));
        Assert.Equal([(Ip1, "b.com", Now.AddMinutes(5))], index.Entries.Where(e => e.Address.Equals(Ip1)).Select(r => (r.Address, r.Domain, r.ExpiresAt)));
        Assert.Equal(["b.com"], index.ChainsOf(Ip1).Keys.Select(c => c.Question));
    }

    [Fact]
    public void A_teaching_round_trips_through_its_stored_form()
    {
        var chain = TeachingChain.Through(["q.example", "alias.cdn", "edge.cdn"]);
        var stored = new Taught(Ip1, Now, chain).ToLearnedIp();
        Assert.Equal("q.example", stored.Domain);
        Assert.Equal(["alias.cdn", "edge.cdn"], stored.Aliases.ToArray());
        Assert.Equal(new Taught(Ip1, Now, chain), Taught.From(stored));
        Assert.Empty(new Taught(Ip1, Now, TeachingChain.Of("q.example")).ToLearnedIp().Aliases);
        Assert.Throws<ArgumentException>(() => Taught.From(new Netfence.Policy.Rules.LearnedIp(Ip1, "q.example", Now) { Aliases = [""] }));
    }

    [Fact]
    public void An_index_restored_from_its_teachings_is_the_same_index()
    {
        var before = new LearnedIpIndex(2);
        var viaAlias = TeachingChain.Through(["q.example", "alias.cdn"]);
        var viaOther = TeachingChain.Through(["q.example", "other.cdn", "edge.cdn"]);
        before.Learn([new Taught(Ip1, Now.AddMinutes(10), viaAlias), new Taught(Ip1, Now.AddMinutes(4), viaOther), new Taught(Ip2, Now.AddMinutes(6), viaOther)]);
        before.Learn(Direct("plain.example", (Ip2, Now.AddMinutes(8))));
        var ip3 = IPAddress.Parse("192.0.2.3");
        before.Learn(Direct("gone.example", (ip3, Now.AddMinutes(1))));

        var after = new LearnedIpIndex(2);
        after.Restore(before.Teachings.Select(t => Taught.From(t.ToLearnedIp())).ToList(), Now.AddMinutes(2));

        // Everything but the pair that expired while the daemon was down (the store's sweep removes it).
        before.Sweep(Now.AddMinutes(2));
        Assert.Equal(before.Teachings.OrderBy(t => t.ToString()), after.Teachings.OrderBy(t => t.ToString()));
        Assert.Equal(before.Entries.OrderBy(e => e.Address.ToString()), after.Entries.OrderBy(e => e.Address.ToString()));
        Assert.Equal(before.Names.Order(), after.Names.Order());
        foreach (var name in new[] { "cdn", "alias.cdn", "edge.cdn", "example", "gone.example" })
            Assert.Equal(before.ChainsAtOrBelow(name).ToHashSet(), after.ChainsAtOrBelow(name).ToHashSet());
        // And a deny of the alias does the same to both.
        bool NotAlias(TeachingChain chain) => !chain.Names.Contains("alias.cdn");
        Assert.Equal(before.Revoke(NotAlias).Remove, after.Revoke(NotAlias).Remove);
        Assert.Equal(before.Teachings.OrderBy(t => t.ToString()), after.Teachings.OrderBy(t => t.ToString()));
    }
}

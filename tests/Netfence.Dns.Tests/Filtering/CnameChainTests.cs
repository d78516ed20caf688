using System.Net;
using Netfence.Dns.Filtering;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Tests.Filtering;

public class CnameChainTests
{
    static DnsName N(string s) => DnsName.Parse(s);
    static DnsRecord Cname(string owner, string target) => new(N(owner), DnsType.CNAME, 1, 60, N(target).Wire.ToArray(), N(target));
    static DnsRecord A(string owner, string ip, uint ttl = 60) => DnsRecord.ForAddress(N(owner), IPAddress.Parse(ip), ttl);

    static List<string> Learned(string question, params DnsRecord[] answers)
    {
        var message = new DnsMessage { Answers = [.. answers] };
        var result = AnswerFilter.Apply(message, new DnsQuestion(N(question), DnsType.A, 1), rebindingProtection: true, _ => false);
        return [.. result.Learnable.Select(l => l.Address.ToString()).Order()];
    }

    [Fact]
    public void A_valid_chain_teaches_its_final_addresses() =>
        Assert.Equal(["192.0.2.1"], Learned("www.a.com", Cname("www.a.com", "edge.cdn.net"), Cname("edge.cdn.net", "e1.cdn.net"), A("e1.cdn.net", "192.0.2.1")));

    [Fact]
    public void A_chain_out_of_order_is_followed() =>
        Assert.Equal(["192.0.2.1"], Learned("www.a.com", A("e1.cdn.net", "192.0.2.1"), Cname("edge.cdn.net", "e1.cdn.net"), Cname("WWW.A.COM", "edge.cdn.net")));

    [Fact]
    public void Records_not_on_the_chain_teach_nothing_and_are_removed()
    {
        var message = new DnsMessage { Answers = [Cname("www.a.com", "e.cdn.net"), A("e.cdn.net", "192.0.2.1"), A("bank.com", "198.51.100.1")] };
        var result = AnswerFilter.Apply(message, new DnsQuestion(N("www.a.com"), DnsType.A, 1), true, _ => false);
        Assert.Equal(["192.0.2.1"], result.Learnable.Select(l => l.Address.ToString()));
        Assert.DoesNotContain(message.Answers, r => r.Name.Text == "bank.com");
    }

    [Fact]
    public void A_broken_chain_teaches_only_what_hangs_off_it() =>
        Assert.Empty(Learned("www.a.com", Cname("www.a.com", "gone.cdn.net"), A("elsewhere.net", "192.0.2.1")));

    [Fact]
    public void A_chain_ends_before_a_name_the_policy_denies()
    {
        // www.a.com is allowed; its alias points into a denied zone, whose address must stay closed (the CNAME stays:
        // the client learns why it got no address).
        var message = new DnsMessage { Answers = [Cname("www.a.com", "x.evil.net"), Cname("x.evil.net", "e.cdn.net"), A("x.evil.net", "192.0.2.6"), A("e.cdn.net", "192.0.2.7")] };
        var result = AnswerFilter.Apply(message, new DnsQuestion(N("www.a.com"), DnsType.A, 1), true, _ => false,
            deniedName: n => n.Text.EndsWith("evil.net", StringComparison.Ordinal));
        Assert.Empty(result.Learnable);
        Assert.Equal([DnsType.CNAME, DnsType.CNAME], message.Answers.Select(r => r.Type));
    }

    [Fact]
    public void Each_address_is_taught_through_the_chain_up_to_its_owner()
    {
        // What a later rule change re-judges: e1's address through all three names, the question's own through it alone.
        var message = new DnsMessage
        {
            Answers = [Cname("www.a.com", "edge.cdn.net"), Cname("edge.cdn.net", "E1.cdn.net"), A("e1.cdn.net", "192.0.2.1"), A("www.a.com", "192.0.2.2")],
        };
        var result = AnswerFilter.Apply(message, new DnsQuestion(N("WWW.a.com"), DnsType.A, 1), true, _ => false);
        Assert.Equal([("192.0.2.1", "www.a.com → edge.cdn.net → e1.cdn.net"), ("192.0.2.2", "www.a.com")],
            result.Learnable.Select(l => (l.Address.ToString(), l.Chain.ToString())));
        Assert.Equal(["www.a.com", "edge.cdn.net", "e1.cdn.net"], result.DependsOn);
    }

    [Fact]
    public void An_answer_depends_on_the_denied_name_its_chain_ended_before()
    {
        // Were x.evil.net no longer denied, the same answer would teach more: a cache keeps that name with the answer.
        var message = new DnsMessage { Answers = [Cname("www.a.com", "x.evil.net"), A("x.evil.net", "192.0.2.6")] };
        var result = AnswerFilter.Apply(message, new DnsQuestion(N("www.a.com"), DnsType.A, 1), true, _ => false,
            deniedName: n => n.Text.EndsWith("evil.net", StringComparison.Ordinal));
        Assert.Equal(["www.a.com", "x.evil.net"], result.DependsOn);
    }

    [Fact]
    public void An_unlisted_target_is_followed_when_only_other_names_are_denied() =>
        Assert.Equal(["192.0.2.1"], [.. AnswerFilter.Apply(new DnsMessage { Answers = [Cname("www.a.com", "e.cdn.net"), A("e.cdn.net", "192.0.2.1")] },
            new DnsQuestion(N("www.a.com"), DnsType.A, 1), true, _ => false, deniedName: n => n.Text == "evil.net").Learnable.Select(l => l.Address.ToString())]);

    [Fact]
    public void A_looping_chain_teaches_nothing() =>
        Assert.Empty(Learned("a.com", Cname("a.com", "b.com"), Cname("b.com", "a.com"), A("a.com", "192.0.2.1"), A("b.com", "192.0.2.2")));

    [Fact]
    public void Two_cnames_for_one_owner_end_the_chain() =>
        Assert.Empty(Learned("a.com", Cname("a.com", "b.com"), Cname("a.com", "c.com"), A("b.com", "192.0.2.1"), A("c.com", "192.0.2.2")));

    [Fact]
    public void A_chain_longer_than_the_limit_stops()
    {
        var records = Enumerable.Range(0, CnameChain.MaxLength + 2).Select(i => Cname($"n{i}.com", $"n{i + 1}.com")).ToList();
        records.Add(A($"n{CnameChain.MaxLength + 2}.com", "192.0.2.1"));
        Assert.Empty(Learned("n0.com", [.. records]));
    }
}

using System.Net;
using Netfence.Dns.Filtering;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Tests.Filtering;

public class AnswerCapTests
{
    static readonly DnsName Name = DnsName.Parse("wide.example");
    static readonly DnsQuestion Question = new(Name, DnsType.A, DnsQuestion.ClassIn);

    static DnsRecord A(string address, uint ttl = 60) => DnsRecord.ForAddress(Name, IPAddress.Parse(address), ttl);

    [Fact]
    public void Records_past_the_cap_leave_the_answer_and_teach_nothing()
    {
        var answer = new DnsMessage { Answers = [A("192.0.2.1"), A("192.0.2.2"), A("192.0.2.3"), A("192.0.2.4")] };
        var filtered = AnswerFilter.Apply(answer, Question, rebindingProtection: true, _ => false, maxAddresses: 2);
        Assert.Equal(["192.0.2.1", "192.0.2.2"], answer.Answers.Select(r => r.Address!.ToString()));
        Assert.Equal(["192.0.2.1", "192.0.2.2"], filtered.Learnable.Select(l => l.Address.ToString()));
        Assert.Equal(2, filtered.Capped);
    }

    [Fact]
    public void A_repeated_address_or_its_mapped_twin_counts_once_and_stays()
    {
        var answer = new DnsMessage
        {
            Answers = [A("192.0.2.1"), A("192.0.2.1", 30), A("::ffff:192.0.2.1"), A("192.0.2.2"), A("192.0.2.3")],
        };
        var filtered = AnswerFilter.Apply(answer, Question, rebindingProtection: true, _ => false, maxAddresses: 2);
        Assert.Equal(4, answer.Answers.Count);
        Assert.Equal(["192.0.2.1", "192.0.2.2"], filtered.Learnable.Select(l => l.Address.ToString()).Distinct());
        Assert.Equal(1, filtered.Capped);
    }

    [Fact]
    public void Stripped_internal_addresses_do_not_use_up_the_cap()
    {
        var answer = new DnsMessage { Answers = [A("10.0.0.1"), A("10.0.0.2"), A("192.0.2.1"), A("192.0.2.2")] };
        var filtered = AnswerFilter.Apply(answer, Question, rebindingProtection: true, _ => false, maxAddresses: 2);
        Assert.Equal(["192.0.2.1", "192.0.2.2"], answer.Answers.Select(r => r.Address!.ToString()));
        Assert.Equal((2, 0), (filtered.Stripped, filtered.Capped));
    }
}

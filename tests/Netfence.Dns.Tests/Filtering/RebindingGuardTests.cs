using System.Net;
using Netfence.Dns.Filtering;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Tests.Filtering;

public class RebindingGuardTests
{
    [Theory]
    [InlineData("10.1.2.3")] [InlineData("172.16.0.1")] [InlineData("172.31.255.255")] [InlineData("192.168.1.1")]
    [InlineData("127.0.0.1")] [InlineData("127.255.0.9")] [InlineData("169.254.169.254")] [InlineData("169.254.1.1")]
    [InlineData("100.64.0.1")] [InlineData("100.127.255.255")] [InlineData("0.0.0.0")] [InlineData("224.0.0.1")] [InlineData("255.255.255.255")]
    [InlineData("::")] [InlineData("::1")] [InlineData("fe80::1")] [InlineData("fc00::1")] [InlineData("fd12:3456::1")] [InlineData("ff02::1")]
    [InlineData("::ffff:10.0.0.1")] [InlineData("::ffff:127.0.0.1")] [InlineData("::ffff:169.254.169.254")] [InlineData("::ffff:100.64.0.1")]
    [InlineData("::ffff:192.168.0.1")] [InlineData("::10.0.0.1")] [InlineData("64:ff9b::a9fe:a9fe")]
    public void Internal_addresses_are_recognised(string ip) => Assert.True(RebindingGuard.IsInternal(IPAddress.Parse(ip)));

    [Theory]
    [InlineData("192.0.2.1")] [InlineData("8.8.8.8")] [InlineData("172.32.0.1")] [InlineData("100.128.0.1")] [InlineData("172.15.255.255")]
    [InlineData("2001:db8::1")] [InlineData("2606:4700::1111")] [InlineData("::ffff:8.8.8.8")] [InlineData("64:ff9b::808:808")]
    public void Public_addresses_are_not(string ip) => Assert.False(RebindingGuard.IsInternal(IPAddress.Parse(ip)));

    [Fact]
    public void Internal_answers_are_stripped_unless_a_cidr_rule_allows_them()
    {
        DnsMessage Answer() => new()
        {
            Answers =
            [
                DnsRecord.ForAddress(DnsName.Parse("a.com"), IPAddress.Parse("10.0.0.5"), 60),
                DnsRecord.ForAddress(DnsName.Parse("a.com"), IPAddress.Parse("::ffff:169.254.169.254"), 60),
                DnsRecord.ForAddress(DnsName.Parse("a.com"), IPAddress.Parse("192.0.2.1"), 60),
            ],
        };
        var q = new DnsQuestion(DnsName.Parse("a.com"), DnsType.A, 1);
        var stripped = Answer();
        var result = AnswerFilter.Apply(stripped, q, true, _ => false);
        Assert.Equal(2, result.Stripped);
        Assert.Equal(["192.0.2.1"], stripped.Answers.Select(r => r.Address!.ToString()));

        var allowed = Answer();
        var network = IPNetwork.Parse("10.0.0.0/8");
        result = AnswerFilter.Apply(allowed, q, true, network.Contains);
        Assert.Equal(1, result.Stripped);
        Assert.Equal(["10.0.0.5", "192.0.2.1"], result.Learnable.Select(l => l.Address.ToString()).Order());

        var off = Answer();
        Assert.Equal(0, AnswerFilter.Apply(off, q, false, _ => false).Stripped);
        // The mapped form is learned as the IPv4 address the datapath will see.
        Assert.Contains(IPAddress.Parse("169.254.169.254"), AnswerFilter.Apply(Answer(), q, false, _ => false).Learnable.Select(l => l.Address));
    }
}

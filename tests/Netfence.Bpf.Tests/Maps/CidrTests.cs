using System.Net;
using Netfence.Bpf.Maps;

namespace Netfence.Bpf.Tests.Maps;

public class CidrTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0", 8)]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0)]
    [InlineData("192.0.2.1/32", "192.0.2.1", 32)]
    [InlineData("2001:db8::/32", "2001:db8::", 32)]
    [InlineData("::/0", "::", 0)]
    [InlineData("::ffff:10.0.0.0/104", "::ffff:10.0.0.0", 104)]
    [InlineData("::ffff:0:0/96", "::ffff:0.0.0.0", 96)]
    public void Parses_canonical_networks(string text, string address, int length)
    {
        var network = Cidr.Parse(text);
        Assert.Equal(IPAddress.Parse(address), network.BaseAddress);
        Assert.Equal(length, network.PrefixLength);
    }

    [Theory]
    [InlineData("10.0.0.1/8", "host bits are set after the /8 prefix (did you mean 10.0.0.0/8?)")]
    [InlineData("2001:db8::1/32", "host bits are set after the /32 prefix (did you mean 2001:db8::/32?)")]
    [InlineData("10.0.0.0", "the prefix length is missing")]
    [InlineData("10.0.0.0/33", "the prefix length 33 is longer than the 32 bits of an IPv4 address")]
    [InlineData("2001:db8::/129", "longer than the 128 bits of an IPv6 address")]
    [InlineData("10.0.0.0/", "the prefix length '' is not a number from 0 to 32")]
    [InlineData("10.0.0.0/-1", "the prefix length '-1' is not a number")]
    [InlineData("10.0.0.0/08", "the prefix length '08' is not a number")]
    [InlineData("10.1/16", "'10.1' is not a dotted-quad IPv4 address")]
    [InlineData("010.0.0.0/8", "'010' in '010.0.0.0' is not a number from 0 to 255 without leading zeros")]
    [InlineData("256.0.0.0/8", "'256' in '256.0.0.0'")]
    [InlineData("10.0.0.0 /8", "whitespace")]
    [InlineData("/8", "the address before '/' is empty")]
    [InlineData("fe80::%eth0/64", "scoped addresses")]
    [InlineData("2001:zz::/32", "'2001:zz::' is not an IPv6 address")]
    [InlineData("example.com/8", "'example.com' is not a dotted-quad IPv4 address")]
    public void Rejects_malformed_text_naming_the_text_and_problem(string text, string problem)
    {
        var e = Assert.Throws<FormatException>(() => Cidr.Parse(text));
        Assert.StartsWith($"invalid CIDR '{text}': ", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void TryParse_returns_the_problem()
    {
        Assert.False(Cidr.TryParse("10.0.0.1/8", out _, out var problem));
        Assert.Contains("host bits", problem);
        Assert.True(Cidr.TryParse("10.0.0.0/8", out var network, out problem));
        Assert.Null(problem);
        Assert.Equal(8, network.PrefixLength);
    }
}

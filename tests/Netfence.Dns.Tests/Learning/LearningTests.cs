using System.Net;
using Netfence.Dns.Learning;

namespace Netfence.Dns.Tests.Learning;

public class LearningTests
{
    static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly IPAddress Ip1 = IPAddress.Parse("192.0.2.1"), Ip2 = IPAddress.Parse("192.0.2.2");

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
        index.Learn("a.com", [(Ip1, Now.AddMinutes(5))]);
        Assert.Equal(Now.AddMinutes(10), index.Plan("a.com", [(Ip1, Now.AddMinutes(10))])[0].ExpiresAt);
        index.Learn("a.com", [(Ip1, Now.AddMinutes(10))]);
        Assert.Equal(Now.AddMinutes(10), index.Plan("a.com", [(Ip1, Now.AddMinutes(1))])[0].ExpiresAt);
        // Another name's shorter TTL does not shorten the kernel entry either.
        Assert.Equal(Now.AddMinutes(10), index.Plan("b.com", [(Ip1, Now.AddMinutes(2))])[0].ExpiresAt);
    }

    [Fact]
    public void Revoking_a_name_keeps_addresses_another_allowed_name_taught()
    {
        var index = new LearnedIpIndex(8);
        index.Learn("a.com", [(Ip1, Now.AddMinutes(10)), (Ip2, Now.AddMinutes(10))]);
        index.Learn("b.com", [(Ip2, Now.AddMinutes(3))]);
        var (remove, rewrite) = index.Revoke(name => name != "a.com");
        Assert.Equal([Ip1], remove);
        // Ip2 stays, now only as long as b.com vouches for it.
        Assert.Equal([(Ip2, "b.com", Now.AddMinutes(3))], rewrite.Select(r => (r.Address, r.Domain, r.ExpiresAt)));
        Assert.Equal(["b.com"], index.Names);
    }

    [Fact]
    public void Sweeping_removes_expired_pairs_only()
    {
        var index = new LearnedIpIndex(8);
        index.Learn("a.com", [(Ip1, Now.AddMinutes(1))]);
        index.Learn("b.com", [(Ip1, Now.AddMinutes(5)), (Ip2, Now.AddMinutes(1))]);
        Assert.Equal([Ip2], index.Sweep(Now.AddMinutes(2)));
        Assert.Equal(["b.com"], index.NamesOf(Ip1).Keys);
        Assert.Equal([Ip1], index.Sweep(Now.AddMinutes(6)));
        Assert.Equal(0, index.AddressCount);
    }

    [Fact]
    public void A_name_teaches_at_most_its_cap_and_the_oldest_make_room()
    {
        var index = new LearnedIpIndex(2);
        index.Learn("a.com", [(Ip1, Now.AddMinutes(1)), (Ip2, Now.AddMinutes(2))]);
        var ip3 = IPAddress.Parse("192.0.2.3");
        Assert.Equal([Ip1], index.Learn("a.com", [(ip3, Now.AddMinutes(3))]));
        Assert.Equal(2, index.AddressCount);
    }
}

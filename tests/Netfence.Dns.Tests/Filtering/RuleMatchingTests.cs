using Netfence.Dns.Filtering;
using Netfence.Dns.Tests.Support;
using Netfence.Policy.Modes;

namespace Netfence.Dns.Tests.Filtering;

public class RuleMatchingTests
{
    static Verdict Decide(DnsMode mode, string[] allow, string[] deny, string name) =>
        new DomainRuleMatcher(TestServer.Policy(mode, allow, deny)).Decide(name);

    [Theory]
    // Exact rules cover only the name.
    [InlineData(new[] { "example.com" }, new string[0], "example.com", Verdict.Allow)]
    [InlineData(new[] { "example.com" }, new string[0], "a.example.com", Verdict.Block)]
    // include_subdomains covers the name and everything below it, not look-alikes.
    [InlineData(new[] { "example.com+" }, new string[0], "example.com", Verdict.Allow)]
    [InlineData(new[] { "example.com+" }, new string[0], "a.b.example.com", Verdict.Allow)]
    [InlineData(new[] { "example.com+" }, new string[0], "badexample.com", Verdict.Block)]
    // *.example.com covers everything below, not the name itself.
    [InlineData(new[] { "*.example.com" }, new string[0], "example.com", Verdict.Block)]
    [InlineData(new[] { "*.example.com" }, new string[0], "a.example.com", Verdict.Allow)]
    [InlineData(new[] { "*.example.com" }, new string[0], "a.b.example.com", Verdict.Allow)]
    // The most specific rule decides.
    [InlineData(new[] { "example.com+" }, new[] { "bad.example.com+" }, "x.bad.example.com", Verdict.Block)]
    [InlineData(new[] { "good.bad.example.com" }, new[] { "example.com+" }, "good.bad.example.com", Verdict.Allow)]
    [InlineData(new[] { "example.com" }, new[] { "example.com+" }, "example.com", Verdict.Allow)]
    [InlineData(new[] { "example.com" }, new[] { "example.com+" }, "a.example.com", Verdict.Block)]
    [InlineData(new[] { "example.com+" }, new[] { "*.example.com" }, "example.com", Verdict.Allow)]
    // On a tie deny wins.
    [InlineData(new[] { "example.com" }, new[] { "example.com" }, "example.com", Verdict.Block)]
    [InlineData(new[] { "*.example.com" }, new[] { "example.com+" }, "a.example.com", Verdict.Block)]
    [InlineData(new[] { "example.com+" }, new[] { "*.example.com" }, "a.example.com", Verdict.Block)]
    // Names with escaped octets never match a rule.
    [InlineData(new[] { "example.com+" }, new string[0], "a\\046example.com.evil", Verdict.Block)]
    public void Allowlist_table(string[] allow, string[] deny, string name, Verdict expected) =>
        Assert.Equal(expected, Decide(DnsMode.Allowlist, allow, deny, name));

    [Theory]
    [InlineData(new string[0], new[] { "tracker.com+" }, "cdn.tracker.com", Verdict.Block)]
    [InlineData(new string[0], new[] { "tracker.com+" }, "example.com", Verdict.Allow)]
    [InlineData(new[] { "ok.tracker.com" }, new[] { "tracker.com+" }, "ok.tracker.com", Verdict.Allow)]
    [InlineData(new string[0], new[] { "*.tracker.com" }, "tracker.com", Verdict.Allow)]
    public void Denylist_table(string[] allow, string[] deny, string name, Verdict expected) =>
        Assert.Equal(expected, Decide(DnsMode.Denylist, allow, deny, name));

    [Fact]
    public void Modes_decide_without_rules_and_unspecified_fails_closed()
    {
        Assert.Equal(Verdict.Forward, Decide(DnsMode.Disabled, [], ["x.com"], "x.com"));
        Assert.Equal(Verdict.AskControlPlane, Decide(DnsMode.Proxy, [], [], "x.com"));
        Assert.Equal(Verdict.Block, Decide(DnsMode.Unspecified, [], [], "x.com"));
        Assert.Equal(Verdict.Block, Decide(DnsMode.Allowlist, [], [], "x.com"));
    }
}

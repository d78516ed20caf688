using System.Net;
using Google.Protobuf.WellKnownTypes;
using Netfence.Policy.Commands;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Policy.Validation;
using Proto = Netfence.Protocol.V1;

namespace Netfence.Daemon.Tests.Policy;

public class RuleSetReaderTests
{
    static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    static Proto.BulkUpdate ValidBulk() => new()
    {
        Mode = Proto.PolicyMode.Allowlist,
        AllowCidrs = { new Proto.CIDREntry { Cidr = "10.0.0.0/8" }, new Proto.CIDREntry { Cidr = "2001:db8::/32", Ttl = new Duration { Seconds = 60 } } },
        DenyCidrs = { new Proto.CIDREntry { Cidr = "192.0.2.0/24" } },
        Dns = new Proto.DnsConfig
        {
            Mode = Proto.DnsMode.Allowlist,
            AllowDomains = { new Proto.DomainEntry { Domain = "Example.COM.", IncludeSubdomains = true }, new Proto.DomainEntry { Domain = "*.svc.local" } },
            UpstreamServers = { "1.1.1.1", "[2001:db8::53]:5353" },
        },
    };

    [Fact]
    public void ValidBulkUpdateBecomesCanonicalRuleSet()
    {
        var rules = RuleSetReader.FromBulkUpdate(ValidBulk(), Now);
        Assert.Equal(PolicyMode.Allowlist, rules.Mode);
        Assert.Equal(new[] { new CidrRule(IPNetwork.Parse("10.0.0.0/8"), null), new CidrRule(IPNetwork.Parse("2001:db8::/32"), Now.AddSeconds(60)) }, rules.AllowCidrs.ToArray());
        Assert.Equal(new[] { new DomainRule("example.com", DomainMatch.WithSubdomains), new DomainRule("svc.local", DomainMatch.SubdomainsOnly) }, rules.Dns.AllowDomains.ToArray());
        Assert.Equal(new[] { IPEndPoint.Parse("1.1.1.1:53"), IPEndPoint.Parse("[2001:db8::53]:5353") }, rules.Dns.Upstreams.ToArray());
    }

    public static TheoryData<Action<Proto.BulkUpdate>, string, string> BadFields() => new()
    {
        { b => b.Mode = (Proto.PolicyMode)9, "mode", "9 is not a PolicyMode" },
        { b => b.AllowCidrs.Add(new Proto.CIDREntry { Cidr = "10.0.0.1/8" }), "allow_cidrs[2].cidr", "host bits are set" },
        { b => b.AllowCidrs[1].Cidr = "10.1/16", "allow_cidrs[1].cidr", "not a dotted-quad" },
        { b => b.AllowCidrs.Add(new Proto.CIDREntry { Cidr = "::ffff:10.0.0.0/104" }), "allow_cidrs[2].cidr", "same network (10.0.0.0/8) as allow_cidrs[0]" },
        { b => b.AllowCidrs[0].Ttl = new Duration { Seconds = -1 }, "allow_cidrs[0].ttl", "must be positive" },
        { b => b.AllowCidrs[0].Ttl = new Duration { Seconds = 0 }, "allow_cidrs[0].ttl", "must be positive" },
        { b => b.AllowCidrs[0].Ttl = new Duration { Seconds = 1, Nanos = -1 }, "allow_cidrs[0].ttl", "not a valid duration" },
        { b => b.DenyCidrs[0].Cidr = "", "deny_cidrs[0].cidr", "prefix length is missing" },
        { b => b.DenyCidrs[0].Cidr = "fe80::1%eth0/128", "deny_cidrs[0].cidr", "scoped" },
        { b => b.Dns.Mode = (Proto.DnsMode)7, "dns.mode", "7 is not a DnsMode" },
        { b => b.Dns.AllowDomains[0].Domain = "a..b", "dns.allow_domains[0].domain", "empty label" },
        { b => b.Dns.AllowDomains[1].Domain = "*.x.*.com", "dns.allow_domains[1].domain", "only the form '*.example.com'" },
        { b => b.Dns.AllowDomains[1].IncludeSubdomains = true, "dns.allow_domains[1].include_subdomains", "already names the subdomains only" },
        { b => b.Dns.AllowDomains.Add(new Proto.DomainEntry { Domain = "EXAMPLE.com" }), "dns.allow_domains[2].domain", "same name (example.com)" },
        { b => b.Dns.DenyDomains.Add(new Proto.DomainEntry { Domain = new string('a', 64) + ".com" }), "dns.deny_domains[0].domain", "limit is 63" },
        { b => b.Dns.DenyDomains.Add(new Proto.DomainEntry { Domain = "bad domain.com" }), "dns.deny_domains[0].domain", "whitespace" },
        { b => b.Dns.DenyDomains.Add(new Proto.DomainEntry { Domain = "." }), "dns.deny_domains[0].domain", "root" },
        { b => b.Dns.DenyDomains.Add(new Proto.DomainEntry { Domain = "-a.com" }), "dns.deny_domains[0].domain", "starts or ends with '-'" },
        { b => b.Dns.DenyDomains.Add(new Proto.DomainEntry { Domain = "a/b.com" }), "dns.deny_domains[0].domain", "contains '/'" },
        { b => b.Dns.UpstreamServers[1] = "dns.google", "dns.upstream_servers[1]", "not an IPv4 or IPv6 address" },
        { b => b.Dns.UpstreamServers[0] = "1.1.1.1:0", "dns.upstream_servers[0]", "not a number from 1 to 65535" },
        { b => b.Dns.UpstreamServers.Add("1.1.1.1:53"), "dns.upstream_servers[2]", "listed twice" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void FirstBadFieldIsNamed(Action<Proto.BulkUpdate> spoil, string field, string problem)
    {
        var bulk = ValidBulk();
        spoil(bulk);
        var e = Assert.Throws<PolicyValidationException>(() => RuleSetReader.FromBulkUpdate(bulk, Now));
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Message);
        Assert.StartsWith(field + ": ", e.Message);
    }

    [Fact]
    public void ReportsTheFirstOfSeveralBadFields()
    {
        var bulk = ValidBulk();
        bulk.AllowCidrs.Add(new Proto.CIDREntry { Cidr = "10.0.0.1/8" });
        bulk.AllowCidrs.Add(new Proto.CIDREntry { Cidr = "bad" });
        bulk.Dns.AllowDomains[0].Domain = "";
        Assert.Equal("allow_cidrs[2].cidr", Assert.Throws<PolicyValidationException>(() => RuleSetReader.FromBulkUpdate(bulk, Now)).Field);
    }

    [Theory]
    [InlineData("::ffff:0:0/96", "0.0.0.0/0")]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.0/8")]
    [InlineData("::ffff:192.0.2.1/128", "192.0.2.1/32")]
    [InlineData("::/0", "::/0")]
    [InlineData("2001:db8::/32", "2001:db8::/32")]
    public void MappedNetworksAreStoredAsIPv4(string text, string stored)
    {
        Assert.Equal(IPNetwork.Parse(stored), CidrRule.ParseNetwork(text, "cidr"));
    }

    [Theory]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("EXAMPLE.com.", "example.com")]
    [InlineData("_dmarc.Example.com", "_dmarc.example.com")]
    public void DomainsAreNormalised(string text, string canonical) => Assert.Equal(canonical, DomainName.Normalize(text, "d"));

    [Fact]
    public void NameLengthLimitCountsAsciiForm()
    {
        var label = new string('a', 63);
        var ok = string.Join('.', label, label, label, new string('b', 61));
        Assert.Equal(253, DomainName.Normalize(ok, "d").Length);
        Assert.Contains("limit is 253", Assert.Throws<PolicyValidationException>(() => DomainName.Normalize(ok + "b", "d")).Message);
    }

    [Fact]
    public void WildcardMatchesOnlyBelowTheName()
    {
        var rule = DomainRule.Parse("*.example.com", false, "e");
        Assert.True(rule.Matches("a.example.com"));
        Assert.True(rule.Matches("a.b.example.com"));
        Assert.False(rule.Matches("example.com"));
        Assert.False(rule.Matches("badexample.com"));
        var with = DomainRule.Parse("example.com", true, "e");
        Assert.True(with.Matches("example.com"));
        Assert.True(with.Matches("a.example.com"));
        Assert.False(DomainRule.Parse("example.com", false, "e").Matches("a.example.com"));
    }

    [Fact]
    public void UnspecifiedModesAreEnforcedClosed()
    {
        var rules = RuleSetReader.FromBulkUpdate(new Proto.BulkUpdate(), Now);
        Assert.Equal(PolicyMode.Unspecified, rules.Mode);
        Assert.Equal(PolicyMode.BlockAll, rules.EnforcedMode);
        Assert.Equal(DnsMode.Allowlist, rules.Dns.EnforcedMode);
        Assert.Empty(rules.Dns.AllowDomains);
        Assert.Equal(PolicyMode.BlockAll, ((PolicyMode)42).Enforced());
    }

    [Fact]
    public void CommandsProduceNewRuleSetsAndLeaveTheCurrentOne()
    {
        var current = RuleSetReader.FromBulkUpdate(ValidBulk(), Now);
        var snapshot = RuleSetReader.FromBulkUpdate(ValidBulk(), Now);

        var next = RuleCommands.Apply(current, new Proto.ControlCommand { AllowCidr = new Proto.CIDREntry { Cidr = "::ffff:10.0.0.0/104", Ttl = new Duration { Seconds = 5 } } }, Now);
        Assert.Equal(new CidrRule(IPNetwork.Parse("10.0.0.0/8"), Now.AddSeconds(5)), next.AllowCidrs[0]);
        Assert.Equal(2, next.AllowCidrs.Length);

        next = RuleCommands.Apply(next, new Proto.ControlCommand { RemoveCidr = "10.0.0.0/8" }, Now);
        Assert.DoesNotContain(next.AllowCidrs, r => r.Network == IPNetwork.Parse("10.0.0.0/8"));
        next = RuleCommands.Apply(next, new Proto.ControlCommand { RemoveDomain = "*.svc.local" }, Now);
        Assert.Equal(new[] { new DomainRule("example.com", DomainMatch.WithSubdomains) }, next.Dns.AllowDomains.ToArray());
        next = RuleCommands.Apply(next, new Proto.ControlCommand { SetMode = new Proto.SetMode { Mode = Proto.PolicyMode.Denylist } }, Now);
        Assert.Equal(PolicyMode.Denylist, next.Mode);

        Assert.Equal(snapshot, current);
    }

    [Theory]
    [InlineData("bulk_update.allow_cidrs[0].cidr")]
    [InlineData("subscribed_ack.dns.allow_domains[0].domain")]
    [InlineData("deny_domain.domain")]
    [InlineData("remove_cidr")]
    [InlineData("set_mode.mode")]
    [InlineData("sync_ack")]
    [InlineData("command")]
    public void CommandErrorsNameTheFieldInsideTheCommand(string field)
    {
        var command = field switch
        {
            "bulk_update.allow_cidrs[0].cidr" => new Proto.ControlCommand { BulkUpdate = new Proto.BulkUpdate { AllowCidrs = { new Proto.CIDREntry { Cidr = "10.0.0.1/8" } } } },
            "subscribed_ack.dns.allow_domains[0].domain" => new Proto.ControlCommand { SubscribedAck = new Proto.SubscribedAck { Dns = new Proto.DnsConfig { AllowDomains = { new Proto.DomainEntry() } } } },
            "deny_domain.domain" => new Proto.ControlCommand { DenyDomain = new Proto.DomainEntry { Domain = "a b" } },
            "remove_cidr" => new Proto.ControlCommand { RemoveCidr = "10.0.0.0" },
            "set_mode.mode" => new Proto.ControlCommand { SetMode = new Proto.SetMode { Mode = (Proto.PolicyMode)12 } },
            "sync_ack" => new Proto.ControlCommand { SyncAck = new Proto.SyncAck() },
            _ => new Proto.ControlCommand(),
        };
        Assert.Equal(field, Assert.Throws<PolicyValidationException>(() => RuleCommands.Apply(RuleSet.BlockAll, command, Now)).Field);
    }
}

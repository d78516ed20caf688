using Netfence.ControlPlane.Policies;
using Netfence.ControlPlane.Yaml.Loading;
using Netfence.ControlPlane.Yaml.Policies;
using Netfence.Policy.Metadata;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;

namespace Netfence.ControlPlane.Tests.Yaml;

public sealed class PolicyFileParserTests
{
    const string Example = """
        default:
          mode: denylist
          deny_cidrs: [169.254.0.0/16]
          dns: {mode: disabled}
        policies:
          - name: web-eu
            match: {role: web}
            daemon: {zone: eu-1}
            mode: allowlist
            allow_cidrs:
              - 10.0.0.0/8
              - {cidr: "192.0.2.0/24", ttl: 1h30m}
            dns:
              mode: allowlist
              allow:
                - Example.COM.
                - "*.example.org"
                - {domain: example.net, include_subdomains: true}
              deny: [ads.example.net]
              upstreams: [9.9.9.9, "[2620:fe::fe]:5353"]
          - name: web
            match: {role: web}
            mode: block_all
        """;

    static AttachmentContext Attachment(string labels, string daemonLabels = "") =>
        new("d1", "host", AttachmentMetadata.Parse(daemonLabels), "a1", "/sys/fs/cgroup/a1", AttachmentType.Cgroup, AttachmentMetadata.Parse(labels));

    [Fact]
    public void Selectors_choose_the_first_matching_policy_and_the_default_applies_otherwise()
    {
        var file = PolicyFileParser.Parse("policy.yaml", Example);

        var webEu = file.Resolve(Attachment("role=web,vm_id=1", "zone=eu-1"));
        Assert.Equal(PolicyMode.Allowlist, webEu.Mode);
        Assert.Equal(["10.0.0.0/8", "192.0.2.0/24"], webEu.AllowCidrs.Select(g => g.Network.ToString()));
        Assert.Equal([null, TimeSpan.FromMinutes(90)], webEu.AllowCidrs.Select(g => g.Ttl));
        Assert.Equal(DnsMode.Allowlist, webEu.Dns.Mode);
        Assert.Equal([("*.example.org", DomainMatch.SubdomainsOnly), ("example.com", DomainMatch.Exact), ("example.net", DomainMatch.WithSubdomains)],
            webEu.Dns.AllowDomains.Select(d => (d.Pattern, d.Match)));
        Assert.Equal(["ads.example.net"], webEu.Dns.DenyDomains.Select(d => d.Pattern));
        Assert.Equal(["9.9.9.9:53", "[2620:fe::fe]:5353"], webEu.Dns.Upstreams.Select(u => u.ToString()));

        Assert.Equal("web", file.Match(Attachment("role=web", "zone=us-1"))!.Name);
        Assert.Equal(PolicyMode.BlockAll, file.Resolve(Attachment("role=web")).Mode);

        var other = file.Resolve(Attachment("role=db"));
        Assert.Equal(PolicyMode.Denylist, other.Mode);
        Assert.Equal(DnsMode.Disabled, other.Dns.Mode);
    }

    [Fact]
    public void Without_a_default_an_unmatched_attachment_is_blocked_and_a_policy_without_dns_resolves_nothing()
    {
        var file = PolicyFileParser.Parse("policy.yaml", """
            policies:
              - name: open
                match: {trusted: "yes"}
                mode: disabled
            """);

        Assert.Equal(DesiredState.BlockAll, file.Resolve(Attachment("role=web")));
        var open = file.Resolve(Attachment("trusted=yes"));
        Assert.Equal((PolicyMode.Disabled, DnsMode.Allowlist), (open.Mode, open.Dns.Mode));
        Assert.Empty(open.Dns.AllowDomains);
    }

    [Fact]
    public void The_embedded_default_policy_parses_to_an_allowlist_with_sample_names()
    {
        var source = new YamlPolicySource(null, new YamlPolicyOptions(), Microsoft.Extensions.Logging.Abstractions.NullLogger<YamlPolicySource>.Instance);

        var state = source.Current.Resolve(Attachment("vm_id=any"));

        Assert.Equal(YamlPolicySource.EmbeddedSource, source.Current.Source);
        Assert.Equal(PolicyMode.Allowlist, state.Mode);
        Assert.Empty(state.AllowCidrs);
        Assert.Equal(DnsMode.Allowlist, state.Dns.Mode);
        Assert.Equal(["example.com", "example.net", "example.org"], state.Dns.AllowDomains.Select(d => d.Pattern));
        Assert.All(state.Dns.AllowDomains, d => Assert.Equal(DomainMatch.Exact, d.Match));
    }

    [Theory]
    [InlineData("policies:\n  - name: a\n    mode: allowlist\n    allow_cidrs: [10.0.0.300/8]\n", "policy.yaml line 4: policies[0].allow_cidrs[0]")]
    [InlineData("policies:\n  - name: a\n    mode: allowlist\n    allow_cidrs:\n      - {cidr: 10.0.0.0/8, ttl: soon}\n", "policy.yaml line 5: policies[0].allow_cidrs[0].ttl: 'soon' is not a duration")]
    [InlineData("policies:\n  - name: a\n    mode: permissive\n", "policy.yaml line 3: policies[0].mode: 'permissive' is not a mode")]
    [InlineData("policies:\n  - name: a\n", "policy.yaml line 2: policies[0]: needs a mode")]
    [InlineData("policies:\n  - name: a\n    mode: allowlist\n    alow_cidrs: []\n", "policy.yaml line 4: policies[0].alow_cidrs: unknown key; known keys here: name, match, daemon, mode, allow_cidrs, deny_cidrs, dns")]
    [InlineData("policies:\n  - name: a\n    mode: allowlist\n    dns:\n      mode: allowlist\n      allow: [\"*.*.example.com\"]\n", "policy.yaml line 6: policies[0].dns.allow[0].domain: '*.*.example.com' has a '*'")]
    [InlineData("policies:\n  - name: a\n    mode: allowlist\n    dns:\n      mode: allowlist\n      allow:\n        - {domain: \"*.example.com\", include_subdomains: true}\n", "policy.yaml line 7: policies[0].dns.allow[0].include_subdomains")]
    [InlineData("policies:\n  - name: a\n    mode: allowlist\n    dns:\n      mode: allowlist\n      upstreams: [\"9.9.9.9:99999\"]\n", "policy.yaml line 6: policies[0].dns.upstreams[0]: the port '99999'")]
    [InlineData("policies:\n  - name: a\n    match: {\"bad key\": x}\n    mode: allowlist\n", "policy.yaml line 3: policies[0].match: the key 'bad key' contains ' '")]
    [InlineData("policies:\n  - name: a\n    mode: allowlist\n    deny_cidrs: [10.0.0.0/8, \"::ffff:10.0.0.0/104\"]\n", "policy.yaml line 4: policies[0].deny_cidrs[1]: '::ffff:10.0.0.0/104' is the same network (10.0.0.0/8) as line 4")]
    [InlineData("policies:\n  - name: a\n    mode: [allowlist]\n", "policy.yaml line 3: policies[0].mode: needs a single value, not a list")]
    [InlineData("polices: []\n", "policy.yaml line 1: polices: unknown key; known keys here: default, policies")]
    [InlineData("", "policy.yaml line 1: the file is empty")]
    [InlineData("policies:\n  - name: a\n    mode: allowlist\n  bad indentation: here\n", "policy.yaml line 4 column")]
    public void Each_error_names_the_file_the_line_and_the_key(string text, string expected)
    {
        var e = Assert.Throws<PolicyFileException>(() => PolicyFileParser.Parse("policy.yaml", text));

        Assert.Contains(e.Errors, m => m.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var e = Assert.Throws<PolicyFileException>(() => PolicyFileParser.Parse("policy.yaml", """
            default:
              mode: nope
            policies:
              - name: a
                match: {role: web}
                mode: allowlist
              - name: a
                match: {role: db}
                mode: allowlist
              - name: b
                match: {role: x}
                mode: allowlist
                allow_cidrs: [not-a-cidr]
            """));

        Assert.Equal(3, e.Errors.Count);
        Assert.StartsWith("policy.yaml line 2: default.mode", e.Errors[0]);
        Assert.StartsWith("policy.yaml line 13: policies[2].allow_cidrs[0]", e.Errors[1]);
        Assert.StartsWith("policy.yaml line 7: policies[1].name: 'a' is also the name of the policy at line 4", e.Errors[2]);
    }

    [Fact]
    public void A_policy_that_an_earlier_one_makes_unreachable_is_an_error()
    {
        var e = Assert.Throws<PolicyFileException>(() => PolicyFileParser.Parse("policy.yaml", """
            policies:
              - name: web
                match: {role: web}
                mode: block_all
              - name: web-eu
                match: {role: web, zone: eu}
                mode: allowlist
            """));

        Assert.StartsWith("policy.yaml line 5: policies[1]: 'web-eu' can never apply: 'web' (line 2) comes first", Assert.Single(e.Errors));
    }
}

using Google.Protobuf.WellKnownTypes;
using Netfence.Daemon.Configuration;
using Netfence.Policy.Rules;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Units;

/// <summary>The default message size limit against the largest commands a control plane can send.</summary>
public sealed class MessageSizeTests
{
    // The longest CIDR text there is, made unique by its last groups, with the longest TTL.
    static CIDREntry Longest(int i) => new()
    {
        Cidr = $"ffff:ffff:ffff:ffff:ffff:ffff:{0xf000 + (i >> 16):x4}:{i & 0xffff:x4}/128",
        Ttl = Duration.FromTimeSpan(PolicyLimits.MaxTtl),
    };

    [Fact]
    public void A_BulkUpdate_of_1000000_CIDRs_at_their_longest_fits_the_default_on_both_sides()
    {
        var update = new BulkUpdate { Mode = PolicyMode.Allowlist };
        for (int i = 0; i < 1_000_000; i++) update.AllowCidrs.Add(Longest(i));
        var size = new ControlCommand { Id = new string('a', 64), Version = new string('v', 64), BulkUpdate = update }.CalculateSize();

        Assert.True(size > 4 << 20, $"{size} bytes: the case does not exceed gRPC's own default");
        Assert.True(size <= ControlPlaneSettings.DefaultMaxMessageSize, $"{size} bytes exceed the daemon's default {ControlPlaneSettings.DefaultMaxMessageSize}");
        Assert.Equal(ControlPlaneSettings.DefaultMaxMessageSize, global::Netfence.ControlPlane.ControlPlaneOptions.DefaultMaxMessageSize);
    }

    [Fact]
    public void The_largest_BulkUpdate_the_daemon_accepts_fits_the_default()
    {
        // Every list at its limit, every domain at DNS's 253 characters.
        var update = new BulkUpdate { Mode = PolicyMode.Allowlist, Dns = new DnsConfig { Mode = DnsMode.Allowlist } };
        for (int i = 0; i < PolicyLimits.MaxCidrsPerList; i++)
        {
            update.AllowCidrs.Add(Longest(i));
            update.DenyCidrs.Add(Longest(PolicyLimits.MaxCidrsPerList + i));
        }
        var label = new string('x', 63);
        for (int i = 0; i < PolicyLimits.MaxDomainsPerList; i++)
        {
            var domain = $"{i:d9}.{label}.{label}.{label}.{label}"[..253];
            update.Dns.AllowDomains.Add(new DomainEntry { Domain = domain, IncludeSubdomains = true });
            update.Dns.DenyDomains.Add(new DomainEntry { Domain = "d" + domain[1..], IncludeSubdomains = true });
        }
        for (int i = 0; i < PolicyLimits.MaxUpstreams; i++) update.Dns.UpstreamServers.Add($"[ffff:ffff:ffff:ffff:ffff:ffff:ffff:{i:x4}]:65535");

        var size = new ControlCommand { Id = new string('a', 64), BulkUpdate = update }.CalculateSize();
        Assert.True(size <= ControlPlaneSettings.DefaultMaxMessageSize, $"{size} bytes exceed the default {ControlPlaneSettings.DefaultMaxMessageSize}");
    }

    [Theory]
    [InlineData("128MiB", 128 << 20)]
    [InlineData("65536", 65536)]
    [InlineData("1GiB", 1 << 30)]
    [InlineData("2147483647", int.MaxValue)]
    public void Sizes_parse_with_binary_units(string text, int bytes) => Assert.Equal(bytes, ControlPlaneSettings.ParseMessageSize(text));

    [Theory]
    [InlineData("64KB", "not a size")]
    [InlineData("", "not a size")]
    [InlineData("-1", "not a size")]
    [InlineData("1KiB", "outside the allowed range")]
    [InlineData("2GiB", "outside the allowed range")]
    [InlineData("999999999999GiB", "too large")]
    public void Bad_sizes_are_refused_saying_why(string text, string problem) =>
        Assert.Contains(problem, Assert.Throws<FormatException>(() => ControlPlaneSettings.ParseMessageSize(text)).Message);
}

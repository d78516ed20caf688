using System.Net;
using Netfence.KernelTesting;
using Netfence.Sandbox;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Programs.Layout;

namespace Netfence.Datapath.KernelTests;

/// <summary>The TC program on crafted frames through BPF_PROG_TEST_RUN, for each build of the programs.</summary>
public abstract class TestRunTests(DatapathObject build)
{
    private const int Next = -1;
    private const int Drop = 2;
    private static readonly AttachmentTarget Lo = AttachmentTarget.Interface(DatapathFixture.Loopback);

    private DatapathFixture WithRules(PolicyMode mode, string[]? allow = null, string[]? deny = null)
    {
        var f = new DatapathFixture(build);
        f.Writer.Apply(Lo, DatapathFixture.Rules(mode, allow, deny), new AttachmentSettings());
        return f;
    }

    [KernelTheory]
    [InlineData(PolicyMode.Allowlist, "10.1.2.3", Next)]
    [InlineData(PolicyMode.Allowlist, "192.0.2.1", Drop)]
    [InlineData(PolicyMode.Allowlist, "10.1.0.1", Drop)]      // deny /16 inside allowed /8 is more specific
    [InlineData(PolicyMode.Allowlist, "169.254.169.254", Drop)]
    [InlineData(PolicyMode.Denylist, "10.1.2.3", Next)]       // allow /24 inside denied /16 is more specific
    [InlineData(PolicyMode.Denylist, "10.1.0.1", Drop)]
    [InlineData(PolicyMode.Denylist, "192.0.2.1", Next)]
    [InlineData(PolicyMode.Denylist, "10.7.7.7", Drop)]       // equal prefix allowed and denied: deny wins
    [InlineData(PolicyMode.BlockAll, "10.1.2.3", Drop)]
    [InlineData(PolicyMode.Disabled, "10.1.0.1", Next)]
    [InlineData(PolicyMode.Unspecified, "10.1.2.3", Drop)]
    public void Ipv4_udp_is_decided_by_mode_and_most_specific_prefix(PolicyMode mode, string destination, int expected)
    {
        using var f = WithRules(mode, ["10.0.0.0/8", "10.1.2.0/24", "10.7.7.0/24"], ["10.1.0.0/16", "10.7.7.0/24"]);
        Assert.Equal(expected, f.RunTc(Frames.Ethernet(0x0800, Frames.Ipv4(destination, 17, 53))));
    }

    [KernelFact]
    public void Vlan_qinq_and_ipv6_extension_headers_are_parsed_to_the_real_destination()
    {
        using var f = WithRules(PolicyMode.Allowlist, ["10.1.2.0/24", "fd00:1::/64"]);
        Assert.Equal(Next, f.RunTc(Frames.Ethernet(0x0800, Frames.Ipv4("10.1.2.3", 6, 443), 0x8100)));
        Assert.Equal(Next, f.RunTc(Frames.Ethernet(0x0800, Frames.Ipv4("10.1.2.3", 6, 443), 0x88A8, 0x8100)));
        Assert.Equal(Drop, f.RunTc(Frames.Ethernet(0x0800, Frames.Ipv4("10.9.2.3", 6, 443), 0x88A8, 0x8100)));
        Assert.Equal(Drop, f.RunTc(Frames.Ethernet(0x0800, Frames.Ipv4("10.1.2.3", 6, 443), 0x8100, 0x8100, 0x8100)));
        Assert.Equal(Next, f.RunTc(Frames.Ethernet(0x86DD, Frames.Ipv6("fd00:1::5", 17, 53, 0, 60, 43, 44))));
        Assert.Equal(Drop, f.RunTc(Frames.Ethernet(0x86DD, Frames.Ipv6("fd00:2::5", 17, 53, 0, 60))));
        // Nine extension headers exceed what the parser walks: malformed, dropped.
        Assert.Equal(Drop, f.RunTc(Frames.Ethernet(0x86DD, Frames.Ipv6("fd00:1::5", 17, 53, 0, 60, 60, 60, 60, 60, 60, 60, 60))));
        // IPv4-mapped IPv6 on the wire is IPv6 traffic to ::ffff:a.b.c.d and is decided by IPv4 rules.
        Assert.Equal(Next, f.RunTc(Frames.Ethernet(0x86DD, Frames.Ipv6("::ffff:10.1.2.3", 17, 53))));
    }

    [KernelTheory]
    [InlineData(PolicyMode.Allowlist, Drop)]
    [InlineData(PolicyMode.BlockAll, Drop)]
    [InlineData(PolicyMode.Denylist, Drop)]
    [InlineData(PolicyMode.Disabled, Next)]
    public void Frames_truncated_at_any_header_boundary_never_pass_unless_disabled(PolicyMode mode, int expected)
    {
        using var f = WithRules(mode, ["0.0.0.0/0", "::/0"]);
        // The shortest length a test run accepts: the kernel refuses untagged IP frames shorter than the IP header
        // (the managed tests cover those lengths); VLAN-tagged frames from one byte past the Ethernet header.
        (byte[] Frame, int Shortest)[] frames =
        [
            (Frames.Ethernet(0x0800, Frames.Ipv4("10.1.2.3", 6, 443)), 14 + 20),
            (Frames.Ethernet(0x0800, Frames.Ipv4("10.1.2.3", 6, 443), 0x88A8, 0x8100), 15),
            (Frames.Ethernet(0x86DD, Frames.Ipv6("fd00::5", 17, 53, 0, 44)), 14 + 40),
        ];
        foreach (var (frame, shortest) in frames)
        {
            // Every length up to one byte short of the destination port's end.
            for (int length = shortest; length < frame.Length - 4; length++)
                Assert.Equal(expected, f.RunTc(frame[..length]));
        }
    }

    [KernelTheory]
    [InlineData(PolicyMode.Allowlist, Drop, Next)]
    [InlineData(PolicyMode.BlockAll, Drop, Next)]
    [InlineData(PolicyMode.Denylist, Next, Next)]
    [InlineData(PolicyMode.Disabled, Next, Next)]
    public void Non_ip_follows_the_mode_while_arp_and_neighbour_discovery_pass(PolicyMode mode, int otherEthertype, int neighbour)
    {
        using var f = WithRules(mode);
        Assert.Equal(otherEthertype, f.RunTc(Frames.Ethernet(0x88CC, new byte[46])));
        Assert.Equal(neighbour, f.RunTc(Frames.Ethernet(0x0806, new byte[28])));
        Assert.Equal(neighbour, f.RunTc(Frames.Ethernet(0x86DD, Frames.Ipv6("ff02::1:ff00:1", 58, 0))));
    }

    [KernelFact]
    public void An_expired_entry_counts_as_absent_in_the_kernel_before_any_sweep()
    {
        using var f = new DatapathFixture(build);
        var now = DateTimeOffset.UtcNow;
        // Four seconds: the checks before the expiry must run before it, also on a loaded machine.
        var expiry = now.AddSeconds(4);
        var rules = new RuleSet(PolicyMode.Allowlist,
            [new CidrRule(IPNetwork.Parse("10.0.0.0/8"), null), new CidrRule(IPNetwork.Parse("10.1.0.0/16"), expiry)],
            [new CidrRule(IPNetwork.Parse("10.2.0.0/16"), expiry)], DnsPolicy.RefuseAll);
        f.Writer.Apply(Lo, rules, new AttachmentSettings());
        // Learned for an hour, then shortened (its longer teaching withdrawn): the shorter expiry counts.
        f.Writer.SetLearned(Lo, new LearnedIp(IPAddress.Parse("192.0.2.7"), "example.com", now.AddHours(1)));
        f.Writer.SetLearned(Lo, new LearnedIp(IPAddress.Parse("192.0.2.7"), "example.com", expiry));
        var toLearned = Frames.Ethernet(0x0800, Frames.Ipv4("192.0.2.7", 6, 443));
        var toDenied = Frames.Ethernet(0x0800, Frames.Ipv4("10.2.3.4", 6, 443));
        Assert.Equal(Next, f.RunTc(toLearned));
        Assert.Equal(Drop, f.RunTc(toDenied));
        Deadline.Require(() => f.RunTc(toLearned) == Drop, TimeSpan.FromSeconds(15), "the learned IP to expire in the kernel");
        // The expired deny /16 no longer shadows the allowed /8: the next shorter prefix decides.
        Assert.Equal(Next, f.RunTc(toDenied));
        Assert.Equal(Next, f.RunTc(Frames.Ethernet(0x0800, Frames.Ipv4("10.1.3.4", 6, 443))));
    }

    [KernelFact]
    public void The_own_dns_endpoint_passes_in_block_all_and_another_attachments_never_does()
    {
        using var f = new DatapathFixture(build);
        var dns = new AttachmentSettings { DnsIpv4 = IPAddress.Parse("10.53.0.1"), DnsPort = 5353 };
        f.Writer.Apply(Lo, DatapathFixture.Rules(PolicyMode.BlockAll), dns);
        var other = AttachmentTarget.Interface(999_999);
        f.Writer.Apply(other, DatapathFixture.Rules(PolicyMode.Disabled),
            new AttachmentSettings { DnsIpv4 = IPAddress.Parse("10.53.0.2"), DnsPort = 5353 });
        Assert.Equal(Next, f.RunTc(Frames.Ethernet(0x0800, Frames.Ipv4("10.53.0.1", 17, 5353))));
        Assert.Equal(Drop, f.RunTc(Frames.Ethernet(0x0800, Frames.Ipv4("10.53.0.1", 17, 5354))));

        f.Writer.Apply(Lo, DatapathFixture.Rules(PolicyMode.Disabled), dns);
        Assert.Equal(Drop, f.RunTc(Frames.Ethernet(0x0800, Frames.Ipv4("10.53.0.2", 17, 5353))));
        Assert.Equal(Next, f.RunTc(Frames.Ethernet(0x0800, Frames.Ipv4("10.53.0.2", 17, 5354))));
        var (allowed, blocked) = f.Writer.Counters(Lo);
        Assert.True(allowed >= 2 && blocked >= 2, $"counters {allowed}/{blocked}");
    }

    [KernelFact]
    public void An_atomic_swap_under_a_steady_stream_never_passes_a_denied_packet_nor_drops_an_allowed_one()
    {
        using var f = new DatapathFixture(build);
        // Both versions allow 10.1.0.0/16 and deny 10.1.9.0/24; they differ in everything else.
        RuleSet Version(int v) => DatapathFixture.Rules(PolicyMode.Allowlist,
            ["10.1.0.0/16", .. Enumerable.Range(0, 2000).Select(i => $"172.{16 + v}.{i / 256}.{i % 256}/32")],
            ["10.1.9.0/24", .. Enumerable.Range(0, 500).Select(i => $"192.168.{v}.{i % 256}/32").Distinct()]);
        f.Writer.Apply(Lo, Version(0), new AttachmentSettings());
        var allowed = Frames.Ethernet(0x0800, Frames.Ipv4("10.1.2.3", 6, 443));
        var denied = Frames.Ethernet(0x0800, Frames.Ipv4("10.1.9.9", 6, 443));
        using var stop = new CancellationTokenSource();
        int wrong = 0, runs = 0;
        var stream = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (f.RunTc(allowed) != Next) Interlocked.Increment(ref wrong);
                if (f.RunTc(denied) != Drop) Interlocked.Increment(ref wrong);
                Interlocked.Increment(ref runs);
            }
        });
        // Many swaps back to back, each reusing the id the previous one retired: a set cleared or rewritten while a
        // run that read the entry before the flip still looks it up shows as a wrong verdict.
        // At least 20 swaps however long they take (each is a 2,500-entry write plus an RCU grace period: seconds
        // under emulation), more while the 20 s last; the hard limit only guards against a hang.
        int swaps = 0;
        var start = DateTime.UtcNow;
        var hardLimit = start + Slowness.Scale(TimeSpan.FromMinutes(2));
        while (swaps < 150 && (swaps < 20 || DateTime.UtcNow < start + TimeSpan.FromSeconds(20)) && DateTime.UtcNow < hardLimit)
            f.Writer.Apply(Lo, Version(++swaps % 2), new AttachmentSettings());
        stop.Cancel();
        stream.Wait();
        Assert.True(swaps >= 20, $"only {swaps} swaps");
        Assert.True(runs > swaps, $"the stream ran only {runs} times over {swaps} swaps");
        Assert.Equal(0, wrong);
        Assert.Equal(0, f.Writer.RetiredSets);
        // The old set is cleared after each flip's grace period: only the active set's entries remain.
        var keys = f.Maps.Rules4.Keys().ToList();
        Assert.Equal(1 + 2000 + 1 + 256, keys.Count);
        Assert.Single(keys.Select(k => k.RuleSet).Distinct());
    }
}

/// <summary>The cases on the C# programs as our compiler built them.</summary>
public sealed class CSharpTestRunTests() : TestRunTests(DatapathObject.CSharp);

/// <summary>The same cases on the clang-compiled C reference.</summary>
public sealed class ReferenceTestRunTests() : TestRunTests(DatapathObject.CReference);

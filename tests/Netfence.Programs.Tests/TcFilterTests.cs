using Netfence.Bpf.Sdk;
using Netfence.Datapath.KernelTests;
using Netfence.Programs.Filters;
using Netfence.Programs.Layout;

namespace Netfence.Programs.Tests;

public sealed class TcFilterTests
{
    private const int Next = Tcx.Next;
    private const int Drop = Tcx.Drop;

    private static int Run(ulong ifindex, byte[] frame)
    {
        var context = Frames.Context((int)ifindex);
        return TcFilter.TcIngress(new SkBuff(frame, context));
    }

    private static (ulong Ifindex, AttachmentValue Attachment) Attach(uint mode)
    {
        var index = Policies.NewIndex();
        ulong ifindex = 10_000 + index;
        var a = Policies.Attach(AttachmentKinds.Interface, ifindex, mode, index: index);
        Policies.Rule(a, "10.0.0.0/8", RuleFlags.Allow);
        Policies.Rule(a, "10.1.0.0/16", RuleFlags.Deny);
        Policies.Rule(a, "10.1.2.0/24", RuleFlags.Allow);
        Policies.Rule(a, "10.7.7.0/24", RuleFlags.Allow | RuleFlags.Deny);
        Policies.Rule(a, "fd00:1::/64", RuleFlags.Allow);
        Policies.Rule(a, "fd00:1::/96", RuleFlags.Deny);
        return (ifindex, a);
    }

    [Theory]
    [InlineData(PolicyModeValue.Allowlist, "10.1.2.3", Next)]
    [InlineData(PolicyModeValue.Allowlist, "10.1.0.1", Drop)]
    [InlineData(PolicyModeValue.Allowlist, "10.7.7.7", Drop)]
    [InlineData(PolicyModeValue.Allowlist, "192.0.2.1", Drop)]
    [InlineData(PolicyModeValue.Allowlist, "169.254.169.254", Drop)]
    [InlineData(PolicyModeValue.Denylist, "10.1.2.3", Next)]
    [InlineData(PolicyModeValue.Denylist, "10.1.0.1", Drop)]
    [InlineData(PolicyModeValue.Denylist, "10.7.7.7", Drop)]
    [InlineData(PolicyModeValue.Denylist, "169.254.169.254", Next)]
    [InlineData(PolicyModeValue.BlockAll, "10.1.2.3", Drop)]
    [InlineData(PolicyModeValue.Disabled, "10.1.0.1", Next)]
    [InlineData(PolicyModeValue.Unspecified, "10.1.2.3", Drop)]
    [InlineData(77u, "10.1.2.3", Drop)]
    public void Ipv4_is_decided_by_the_mode_and_the_most_specific_prefix_with_deny_winning_ties(uint mode, string destination, int expected)
    {
        var (ifindex, _) = Attach(mode);
        Assert.Equal(expected, Run(ifindex, Frames.Ethernet(0x0800, Frames.Ipv4(destination, 6, 443))));
        Assert.Equal(expected, Run(ifindex, Frames.Ethernet(0x0800, Frames.Ipv4(destination, 17, 53), 0x8100)));
        Assert.Equal(expected, Run(ifindex, Frames.Ethernet(0x0800, Frames.Ipv4(destination, 17, 53), 0x88A8, 0x8100)));
        // A later fragment carries no ports and is decided by its address alone.
        Assert.Equal(expected, Run(ifindex, Frames.Ethernet(0x0800, Frames.Ipv4(destination, 17, 53, fragment: 0x0010))));
        // IPv4-mapped IPv6 is decided by the IPv4 rules.
        Assert.Equal(expected, Run(ifindex, Frames.Ethernet(0x86DD, Frames.Ipv6("::ffff:" + destination, 17, 53))));
    }

    [Theory]
    [InlineData(PolicyModeValue.Allowlist, "fd00:1::1:0:0:1", Next)]
    [InlineData(PolicyModeValue.Allowlist, "fd00:1::1", Drop)]
    [InlineData(PolicyModeValue.Allowlist, "fd00:2::1", Drop)]
    [InlineData(PolicyModeValue.Denylist, "fd00:1::1", Drop)]
    [InlineData(PolicyModeValue.Denylist, "fd00:2::1", Next)]
    public void Ipv6_behind_extension_headers_is_decided_by_its_destination(uint mode, string destination, int expected)
    {
        var (ifindex, _) = Attach(mode);
        Assert.Equal(expected, Run(ifindex, Frames.Ethernet(0x86DD, Frames.Ipv6(destination, 6, 443))));
        Assert.Equal(expected, Run(ifindex, Frames.Ethernet(0x86DD, Frames.Ipv6(destination, 6, 443, 0, 60, 43, 44))));
        Assert.Equal(expected, Run(ifindex, Frames.Ethernet(0x86DD, Frames.Ipv6(destination, 17, 53, 51), 0x8100)));
    }

    [Theory]
    [InlineData(PolicyModeValue.Allowlist, Drop)]
    [InlineData(PolicyModeValue.BlockAll, Drop)]
    [InlineData(PolicyModeValue.Denylist, Drop)]
    [InlineData(PolicyModeValue.Disabled, Next)]
    public void Truncation_at_every_length_never_passes_unless_disabled(uint mode, int expected)
    {
        var (ifindex, a) = Attach(mode);
        Policies.Rule(a, "0.0.0.0/0", RuleFlags.Allow);
        Policies.Rule(a, "::/0", RuleFlags.Allow);
        byte[][] frames =
        [
            Frames.Ethernet(0x0800, Frames.Ipv4("10.1.2.3", 6, 443)),
            Frames.Ethernet(0x0800, Frames.Ipv4("10.1.2.3", 17, 53), 0x88A8, 0x8100),
            Frames.Ethernet(0x86DD, Frames.Ipv6("fd00:1::1:0:0:1", 17, 53, 0, 60, 44)),
            Frames.Ethernet(0x86DD, Frames.Ipv6("fd00:1::1:0:0:1", 17, 53, 51), 0x8100),
        ];
        foreach (var frame in frames)
        {
            for (int length = 0; length < frame.Length - 4; length++)
                Assert.Equal(expected, Run(ifindex, frame[..length]));
        }
    }

    [Fact]
    public void Too_many_tags_or_extension_headers_are_malformed()
    {
        var (ifindex, _) = Attach(PolicyModeValue.Denylist);
        Assert.Equal(Drop, Run(ifindex, Frames.Ethernet(0x0800, Frames.Ipv4("192.0.2.1", 6, 443), 0x8100, 0x8100, 0x8100)));
        Assert.Equal(Drop, Run(ifindex, Frames.Ethernet(0x86DD, Frames.Ipv6("fd00:2::1", 6, 443, 0, 60, 60, 60, 60, 60, 60, 60, 60))));
        Assert.Equal(Next, Run(ifindex, Frames.Ethernet(0x86DD, Frames.Ipv6("fd00:2::1", 6, 443, 0, 60, 60, 60, 60, 60, 60, 60))));
        var badVersion = Frames.Ethernet(0x0800, Frames.Ipv4("192.0.2.1", 6, 443));
        badVersion[14] = 0x65;
        Assert.Equal(Drop, Run(ifindex, badVersion));
        var shortIhl = Frames.Ethernet(0x0800, Frames.Ipv4("192.0.2.1", 6, 443));
        shortIhl[14] = 0x44;
        Assert.Equal(Drop, Run(ifindex, shortIhl));
    }

    [Theory]
    [InlineData(PolicyModeValue.Allowlist, Drop)]
    [InlineData(PolicyModeValue.BlockAll, Drop)]
    [InlineData(PolicyModeValue.Denylist, Next)]
    [InlineData(PolicyModeValue.Disabled, Next)]
    public void Other_ethertypes_follow_the_mode_and_arp_and_neighbour_discovery_always_pass(uint mode, int other)
    {
        var (ifindex, _) = Attach(mode);
        Assert.Equal(other, Run(ifindex, Frames.Ethernet(0x88CC, new byte[46])));
        Assert.Equal(other, Run(ifindex, Frames.Ethernet(0x88CC, new byte[46], 0x8100)));
        Assert.Equal(Next, Run(ifindex, Frames.Ethernet(0x0806, new byte[28])));
        Assert.Equal(Next, Run(ifindex, Frames.Ethernet(0x0806, new byte[28], 0x88A8, 0x8100)));
        Assert.Equal(Next, Run(ifindex, Frames.Ethernet(0x86DD, Frames.Ipv6("ff02::1:ff00:1", 58, 0))));
        Assert.Equal(Next, Run(ifindex, Frames.Ethernet(0x86DD, Frames.Ipv6("ff02::1:ff00:1", 58, 0, 0))));
    }

    [Fact]
    public void Expired_entries_count_as_absent_and_the_next_shorter_prefix_decides()
    {
        var runtime = new DeterministicBpfRuntime { BootNs = 1_000 };
        using var scope = BpfRuntime.Use(runtime);
        var (ifindex, a) = Attach(PolicyModeValue.Allowlist);
        Policies.Rule(a, "10.2.0.0/16", RuleFlags.Deny, denyExpires: 2_000);
        Policies.Rule(a, "192.0.2.7/32", RuleFlags.Allow, allowExpires: 2_000);
        Policies.Rule(a, "10.3.0.0/16", RuleFlags.Allow | RuleFlags.Deny, allowExpires: 5_000, denyExpires: 2_000);
        var denied = Frames.Ethernet(0x0800, Frames.Ipv4("10.2.3.4", 6, 443));
        var learned = Frames.Ethernet(0x0800, Frames.Ipv4("192.0.2.7", 6, 443));
        var mixed = Frames.Ethernet(0x0800, Frames.Ipv4("10.3.3.4", 6, 443));
        Assert.Equal((Drop, Next, Drop), (Run(ifindex, denied), Run(ifindex, learned), Run(ifindex, mixed)));
        runtime.BootNs = 2_000;
        Assert.Equal((Next, Drop, Next), (Run(ifindex, denied), Run(ifindex, learned), Run(ifindex, mixed)));
    }

    [Fact]
    public void The_own_dns_endpoint_is_reachable_in_block_all_and_another_attachments_never()
    {
        var (ifindex, a) = Attach(PolicyModeValue.BlockAll);
        Policies.WithDns(a, AttachmentKinds.Interface, ifindex, "10.53.0.1", 53);
        var (otherIfindex, other) = Attach(PolicyModeValue.Disabled);
        Policies.WithDns(other, AttachmentKinds.Interface, otherIfindex, "10.53.0.2", 53);

        Assert.Equal(Next, Run(ifindex, Frames.Ethernet(0x0800, Frames.Ipv4("10.53.0.1", 17, 53))));
        Assert.Equal(Next, Run(ifindex, Frames.Ethernet(0x0800, Frames.Ipv4("10.53.0.1", 6, 53))));
        Assert.Equal(Drop, Run(ifindex, Frames.Ethernet(0x0800, Frames.Ipv4("10.53.0.1", 17, 54))));
        Assert.Equal(Drop, Run(otherIfindex, Frames.Ethernet(0x0800, Frames.Ipv4("10.53.0.1", 17, 53))));
        Assert.Equal(Next, Run(otherIfindex, Frames.Ethernet(0x0800, Frames.Ipv4("10.53.0.1", 17, 54))));
        Assert.Equal(Drop, Run(otherIfindex, Frames.Ethernet(0x86DD, Frames.Ipv6("::ffff:10.53.0.1", 17, 53))));
    }

    [Fact]
    public void A_device_without_an_attachment_entry_drops_and_verdicts_are_counted()
    {
        Assert.Equal(Drop, Run(99_999_999, Frames.Ethernet(0x0806, new byte[28])));
        var (ifindex, a) = Attach(PolicyModeValue.Allowlist);
        Run(ifindex, Frames.Ethernet(0x0800, Frames.Ipv4("10.1.2.3", 6, 443)));
        Run(ifindex, Frames.Ethernet(0x0800, Frames.Ipv4("192.0.2.1", 6, 443)));
        Run(ifindex, Frames.Ethernet(0x0800, Frames.Ipv4("192.0.2.2", 6, 443)));
        Assert.Equal((1UL, 2UL), Policies.Counters(a));
    }
}

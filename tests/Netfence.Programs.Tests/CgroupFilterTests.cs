using System.Buffers.Binary;
using System.Net;
using Netfence.Bpf.Sdk;
using Netfence.Datapath.KernelTests;
using Netfence.Programs.Filters;
using Netfence.Programs.Layout;

namespace Netfence.Programs.Tests;

public sealed class CgroupFilterTests
{
    private const ulong Root = 1;

    private static byte[] SockAddrImage(string destination, ushort port, uint protocol)
    {
        var image = new byte[SockAddr.Size];
        var address = IPAddress.Parse(destination);
        var bytes = address.GetAddressBytes();
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0), bytes.Length == 4 ? 2u : 10u);
        if (bytes.Length == 4) bytes.CopyTo(image, 4);
        else bytes.CopyTo(image, 8);
        BinaryPrimitives.WriteUInt16BigEndian(image.AsSpan(24), port);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(36), protocol);
        return image;
    }

    private static int Connect(string destination, ushort port, uint protocol = 6)
    {
        var image = SockAddrImage(destination, port, protocol);
        var ctx = new SockAddr(image);
        return IPAddress.Parse(destination).GetAddressBytes().Length == 4
            ? (protocol == 17 ? CgroupFilter.Sendmsg4(ctx) : CgroupFilter.Connect4(ctx))
            : (protocol == 17 ? CgroupFilter.Sendmsg6(ctx) : CgroupFilter.Connect6(ctx));
    }

    private static int Egress(byte[] ipPacket, ushort etherType)
    {
        var context = new byte[SkBuff.Size];
        BinaryPrimitives.WriteUInt16BigEndian(context.AsSpan(16), etherType);
        return CgroupFilter.CgroupSkbEgress(new SkBuff(ipPacket, context));
    }

    private static (ulong Id, AttachmentValue Attachment) Attach(uint mode, uint flags = 0)
    {
        var index = Policies.NewIndex();
        ulong id = 50_000 + index;
        var a = Policies.Attach(AttachmentKinds.Cgroup, id, mode, flags, index);
        Policies.Rule(a, "10.0.0.0/8", RuleFlags.Allow);
        Policies.Rule(a, "10.1.0.0/16", RuleFlags.Deny);
        Policies.Rule(a, "fd00:1::/64", RuleFlags.Allow);
        return (id, a);
    }

    private static IDisposable InCgroup(params ulong[] path) =>
        BpfRuntime.Use(new DeterministicBpfRuntime { CgroupAncestors = [Root, .. path] });

    [Theory]
    [InlineData(PolicyModeValue.Allowlist, "10.2.0.1", SockAddrVerdict.Allow)]
    [InlineData(PolicyModeValue.Allowlist, "10.1.0.1", SockAddrVerdict.Reject)]
    [InlineData(PolicyModeValue.Allowlist, "::ffff:10.2.0.1", SockAddrVerdict.Allow)]
    [InlineData(PolicyModeValue.Allowlist, "::ffff:10.1.0.1", SockAddrVerdict.Reject)]
    [InlineData(PolicyModeValue.Allowlist, "fd00:1::9", SockAddrVerdict.Allow)]
    [InlineData(PolicyModeValue.Allowlist, "fd00:2::9", SockAddrVerdict.Reject)]
    [InlineData(PolicyModeValue.Allowlist, "169.254.169.254", SockAddrVerdict.Reject)]
    [InlineData(PolicyModeValue.Denylist, "10.1.0.1", SockAddrVerdict.Reject)]
    [InlineData(PolicyModeValue.Denylist, "::ffff:10.1.0.1", SockAddrVerdict.Reject)]
    [InlineData(PolicyModeValue.Denylist, "192.0.2.1", SockAddrVerdict.Allow)]
    [InlineData(PolicyModeValue.BlockAll, "10.2.0.1", SockAddrVerdict.Reject)]
    [InlineData(PolicyModeValue.Disabled, "10.1.0.1", SockAddrVerdict.Allow)]
    [InlineData(PolicyModeValue.Unspecified, "10.2.0.1", SockAddrVerdict.Reject)]
    public void Connect_and_unconnected_sends_of_both_families_are_decided_alike(uint mode, string destination, int expected)
    {
        var (id, _) = Attach(mode);
        using var scope = InCgroup(id, 777);
        Assert.Equal(expected, Connect(destination, 443, 6));
        Assert.Equal(expected, Connect(destination, 443, 17));
    }

    [Fact]
    public void Nested_attachments_must_all_allow_and_a_cgroup_without_any_is_rejected()
    {
        var (outer, _) = Attach(PolicyModeValue.Denylist);
        var (inner, _) = Attach(PolicyModeValue.Allowlist);
        using (InCgroup(outer, 5, inner, 6))
        {
            Assert.Equal(SockAddrVerdict.Allow, Connect("10.2.0.1", 443));
            Assert.Equal(SockAddrVerdict.Reject, Connect("192.0.2.1", 443));   // inner allowlist
            Assert.Equal(SockAddrVerdict.Reject, Connect("10.1.0.1", 443));    // both deny
        }
        using (InCgroup(outer, 5))
            Assert.Equal(SockAddrVerdict.Allow, Connect("192.0.2.1", 443));
        using (InCgroup(123_456_789))
            Assert.Equal(SockAddrVerdict.Reject, Connect("10.2.0.1", 443));
    }

    [Fact]
    public void Loopback_passes_only_where_allowed_and_never_to_another_attachments_dns_port()
    {
        var (closed, _) = Attach(PolicyModeValue.BlockAll);
        var (open, openValue) = Attach(PolicyModeValue.BlockAll, AttachmentFlags.LoopbackAllowed);
        var (dnsOwner, owner) = Attach(PolicyModeValue.Disabled);
        Policies.WithDns(owner, AttachmentKinds.Cgroup, dnsOwner, "127.0.0.53", 5353);
        using (InCgroup(closed))
        {
            Assert.Equal(SockAddrVerdict.Reject, Connect("127.0.0.1", 8080));
            Assert.Equal(SockAddrVerdict.Reject, Connect("::1", 8080));
        }
        using (InCgroup(open))
        {
            Assert.Equal(SockAddrVerdict.Allow, Connect("127.0.0.1", 8080));
            Assert.Equal(SockAddrVerdict.Allow, Connect("::1", 8080));
            Assert.Equal(SockAddrVerdict.Reject, Connect("127.0.0.53", 5353, 17));
            Assert.Equal(SockAddrVerdict.Reject, Connect("::ffff:127.0.0.53", 5353, 17));
            Assert.Equal(SockAddrVerdict.Allow, Connect("127.0.0.53", 5354, 17));
        }
        using (InCgroup(dnsOwner))
            Assert.Equal(SockAddrVerdict.Allow, Connect("127.0.0.53", 5353, 17));
        // Per-CPU slots are read under the same (one-CPU) runtime that counted them.
        using (InCgroup(open))
            Assert.Equal((3UL, 2UL), Policies.Counters(openValue));
    }

    [Theory]
    [InlineData(PolicyModeValue.Allowlist, "10.2.0.1", CgroupSkbVerdict.Allow)]
    [InlineData(PolicyModeValue.Allowlist, "10.1.0.1", CgroupSkbVerdict.Drop)]
    [InlineData(PolicyModeValue.Denylist, "10.1.0.1", CgroupSkbVerdict.Drop)]
    [InlineData(PolicyModeValue.Denylist, "192.0.2.1", CgroupSkbVerdict.Allow)]
    [InlineData(PolicyModeValue.BlockAll, "10.2.0.1", CgroupSkbVerdict.Drop)]
    [InlineData(PolicyModeValue.Disabled, "10.1.0.1", CgroupSkbVerdict.Allow)]
    public void Egress_packets_start_at_the_ip_header_and_raw_protocols_are_decided_by_address(uint mode, string destination, int expected)
    {
        var (id, _) = Attach(mode);
        using var scope = InCgroup(id);
        Assert.Equal(expected, Egress(Frames.Ipv4(destination, 6, 443), 0x0800));
        Assert.Equal(expected, Egress(Frames.Ipv4(destination, 1, 0), 0x0800));
        Assert.Equal(expected, Egress(Frames.Ipv6("::ffff:" + destination, 17, 53, 0), 0x86DD));
        var packet = Frames.Ipv4(destination, 6, 443);
        for (int length = 0; length < packet.Length - 4; length++)
            Assert.Equal(mode == PolicyModeValue.Disabled ? CgroupSkbVerdict.Allow : CgroupSkbVerdict.Drop, Egress(packet[..length], 0x0800));
    }

    [Fact]
    public void A_copy_configured_for_one_cgroup_serves_it_without_walking_ancestors()
    {
        const ulong Configured = 424_242;
        using var program = IsolatedProgram.Load(typeof(CgroupFilter), new Dictionary<string, object> { [nameof(CgroupFilter.FixedCgroupAttachment)] = Configured });
        var connect = program.Bind<SockAddrProgram>(nameof(CgroupFilter.Connect4));
        int Run() => connect(new SockAddr(SockAddrImage("192.0.2.1", 443, 6)));

        // The caller's ancestry does not contain the configured cgroup: the copy does not look at it.
        using var scope = InCgroup(987_654);
        Assert.Equal(SockAddrVerdict.Reject, Run());

        // The private copy has its own maps and layout types: write its entry through reflection.
        var assembly = program.Type.Assembly;
        var keyType = assembly.GetType(typeof(AttachmentKey).FullName!)!;
        var valueType = assembly.GetType(typeof(AttachmentValue).FullName!)!;
        var key = Activator.CreateInstance(keyType)!;
        keyType.GetField(nameof(AttachmentKey.Kind))!.SetValue(key, AttachmentKinds.Cgroup);
        keyType.GetField(nameof(AttachmentKey.Id))!.SetValue(key, Configured);
        var value = Activator.CreateInstance(valueType)!;
        valueType.GetField(nameof(AttachmentValue.Mode))!.SetValue(value, PolicyModeValue.Disabled);
        valueType.GetField(nameof(AttachmentValue.Index))!.SetValue(value, 1u);
        var attachments = assembly.GetType(typeof(Maps).FullName!)!.GetField(nameof(Maps.Attachments))!.GetValue(null)!;
        attachments.GetType().GetMethod("Update")!.Invoke(attachments, [key, value, UpdateFlag.Any]);
        Assert.Equal(SockAddrVerdict.Allow, Run());
    }
}

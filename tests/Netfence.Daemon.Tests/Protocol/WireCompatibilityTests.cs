using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Netfence.Protocol.V1;
using static Netfence.Daemon.Tests.Protocol.HandWire;

namespace Netfence.Daemon.Tests.Protocol;

/// <summary>
/// Every message of protocol.md, written by hand with the doc's field numbers and types, must decode
/// into the expected generated message (with no unknown fields: message equality includes them), and
/// the generated message must encode to the same bytes. Values are chosen so that a wrong type shows:
/// uint64 values above 2^63 and a uint32 above 2^31 encode differently as signed types.
/// </summary>
public class WireCompatibilityTests
{
    const ulong Big = 18_000_000_000_000_000_001UL;

    static readonly byte[] CidrHand = Message((1, "10.0.0.0/8"), (2, Message((1, 3600L), (2, 5))));
    static CIDREntry CidrGen() => new() { Cidr = "10.0.0.0/8", Ttl = new Duration { Seconds = 3600, Nanos = 5 } };
    static readonly byte[] DomainHand = Message((1, "example.com"), (2, true));
    static DomainEntry DomainGen() => new() { Domain = "example.com", IncludeSubdomains = true };
    static readonly byte[] DnsHand = Message((1, 2), (2, DomainHand), (3, Message((1, "bad.example"))), (4, "1.1.1.1:53"));
    static DnsConfig DnsGen() => new()
    {
        Mode = Netfence.Protocol.V1.DnsMode.Allowlist,
        AllowDomains = { DomainGen() },
        DenyDomains = { new DomainEntry { Domain = "bad.example" } },
        UpstreamServers = { "1.1.1.1:53" },
    };
    static readonly byte[] RuleBodyHand = Message((1, 2), (2, CidrHand), (3, Message((1, "192.0.2.0/24"))), (4, DnsHand));

    static readonly byte[] AttachmentHand = Message((1, "a1"), (2, "eth0"), (3, 1), (4, 2), (5, 3), MapEntry(6, "vm_id", "abc"));
    static Attachment AttachmentGen() => new()
    {
        Id = "a1", Target = "eth0", Type = Netfence.Protocol.V1.AttachmentType.Tc, Mode = Netfence.Protocol.V1.PolicyMode.Allowlist,
        DnsMode = Netfence.Protocol.V1.DnsMode.Denylist, Metadata = { ["vm_id"] = "abc" },
    };
    static readonly byte[] SyncHand = Message((1, "d1"), (2, "host"), (3, AttachmentHand), MapEntry(4, "zone", "z1"));
    static readonly byte[] SubscribedHand = Message((1, "a2"), (2, "/x"), (3, 2), (4, 3), (5, 4), (6, "127.0.0.1:10000"), MapEntry(7, "k", "v"));
    static readonly byte[] UnsubscribedHand = Message((1, "a3"), (2, 3), (3, "boom"));
    static readonly byte[] StatsHand = Message((1, "a4"), (2, Big), (3, Big + 1), (4, Big + 2), (5, Big + 3));

    static AttachmentStats StatsGen() => new() { Id = "a4", PacketsAllowed = Big, PacketsBlocked = Big + 1, DnsQueriesAllowed = Big + 2, DnsQueriesBlocked = Big + 3 };

    static BulkUpdate BulkGen() => new()
    {
        Mode = Netfence.Protocol.V1.PolicyMode.Allowlist,
        AllowCidrs = { CidrGen() },
        DenyCidrs = { new CIDREntry { Cidr = "192.0.2.0/24" } },
        Dns = DnsGen(),
    };

    static SubscribedAck AckGen() => new()
    {
        Mode = Netfence.Protocol.V1.PolicyMode.Allowlist,
        AllowCidrs = { CidrGen() },
        DenyCidrs = { new CIDREntry { Cidr = "192.0.2.0/24" } },
        Dns = DnsGen(),
    };

    public static TheoryData<string, byte[], IMessage> Cases() => new()
    {
        // ControlPlane messages.
        { "DaemonEvent.sync", Message((1, SyncHand)), new DaemonEvent { Sync = new SyncRequest { DaemonId = "d1", Hostname = "host", Attachments = { AttachmentGen() }, Metadata = { ["zone"] = "z1" } } } },
        { "DaemonEvent.subscribed", Message((2, SubscribedHand)), new DaemonEvent { Subscribed = new Subscribed
            {
                Id = "a2", Target = "/x", Type = Netfence.Protocol.V1.AttachmentType.Cgroup, Mode = Netfence.Protocol.V1.PolicyMode.BlockAll,
                DnsMode = Netfence.Protocol.V1.DnsMode.Proxy, DnsAddress = "127.0.0.1:10000", Metadata = { ["k"] = "v" },
            } } },
        { "DaemonEvent.unsubscribed", Message((3, UnsubscribedHand)), new DaemonEvent { Unsubscribed = new Unsubscribed { Id = "a3", Reason = UnsubscribeReason.Error, Error = "boom" } } },
        { "DaemonEvent.heartbeat", Message((4, Message((1, StatsHand)))), new DaemonEvent { Heartbeat = new Heartbeat { Stats = { StatsGen() } } } },
        { "Attachment", AttachmentHand, AttachmentGen() },
        { "AttachmentStats", StatsHand, StatsGen() },
        { "Unsubscribed.removed", Message((1, "a"), (2, 1)), new Unsubscribed { Id = "a", Reason = UnsubscribeReason.Removed } },
        { "Unsubscribed.detached", Message((1, "a"), (2, 2)), new Unsubscribed { Id = "a", Reason = UnsubscribeReason.Detached } },
        { "ControlCommand.sync_ack", Message((1, "a"), (2, Array.Empty<byte>())), new ControlCommand { Id = "a", SyncAck = new SyncAck() } },
        { "ControlCommand.set_mode", Message((1, "a"), (3, Message((1, 4)))), new ControlCommand { Id = "a", SetMode = new SetMode { Mode = Netfence.Protocol.V1.PolicyMode.Denylist } } },
        { "ControlCommand.allow_cidr", Message((1, "a"), (4, CidrHand)), new ControlCommand { Id = "a", AllowCidr = CidrGen() } },
        { "ControlCommand.deny_cidr", Message((1, "a"), (5, CidrHand)), new ControlCommand { Id = "a", DenyCidr = CidrGen() } },
        { "ControlCommand.remove_cidr", Message((1, "a"), (6, "10.0.0.0/8")), new ControlCommand { Id = "a", RemoveCidr = "10.0.0.0/8" } },
        { "ControlCommand.bulk_update", Message((1, "a"), (7, RuleBodyHand)), new ControlCommand { Id = "a", BulkUpdate = BulkGen() } },
        { "ControlCommand.set_dns_mode", Message((1, "a"), (8, Message((1, 1)))), new ControlCommand { Id = "a", SetDnsMode = new SetDnsMode { Mode = Netfence.Protocol.V1.DnsMode.Disabled } } },
        { "ControlCommand.allow_domain", Message((1, "a"), (9, DomainHand)), new ControlCommand { Id = "a", AllowDomain = DomainGen() } },
        { "ControlCommand.deny_domain", Message((1, "a"), (10, DomainHand)), new ControlCommand { Id = "a", DenyDomain = DomainGen() } },
        { "ControlCommand.remove_domain", Message((1, "a"), (11, "example.com")), new ControlCommand { Id = "a", RemoveDomain = "example.com" } },
        { "ControlCommand.subscribed_ack", Message((1, "a"), (12, RuleBodyHand)), new ControlCommand { Id = "a", SubscribedAck = AckGen() } },
        { "SubscribedAck", RuleBodyHand, AckGen() },
        { "BulkUpdate", RuleBodyHand, BulkGen() },
        { "DnsConfig", DnsHand, DnsGen() },
        { "CIDREntry", CidrHand, CidrGen() },
        { "DomainEntry", DomainHand, DomainGen() },
        { "DnsQueryRequest", Message((1, "a"), (2, "example.com."), (3, "AAAA")), new DnsQueryRequest { Id = "a", Domain = "example.com.", QueryType = "AAAA" } },
        { "DnsQueryResponse", Message((1, true), (2, true), (3, "192.0.2.1"), (3, "2001:db8::1"), (4, 4_000_000_000u)),
            new DnsQueryResponse { Allow = true, AddToFilter = true, Ips = { "192.0.2.1", "2001:db8::1" }, TtlSeconds = 4_000_000_000u } },
        // DaemonService messages.
        { "AttachRequest.interface_name", Message((1, "eth0"), MapEntry(3, "vm_id", "abc")), new AttachRequest { InterfaceName = "eth0", Metadata = { ["vm_id"] = "abc" } } },
        { "AttachRequest.cgroup_path", Message((2, "/x")), new AttachRequest { CgroupPath = "/x" } },
        { "AttachResponse", Message((1, "a"), (2, "127.0.0.1:10000")), new AttachResponse { Id = "a", DnsAddress = "127.0.0.1:10000" } },
        { "DetachRequest", Message((1, "a")), new DetachRequest { Id = "a" } },
        { "ListRequest", Message((1, 250), (2, "tok")), new ListRequest { PageSize = 250, PageToken = "tok" } },
        { "ListResponse", Message((1, Message((1, "a"))), (2, "next"), (3, 12345)), new ListResponse { Attachments = { new AttachmentInfo { Id = "a" } }, NextPageToken = "next", TotalCount = 12345 } },
        { "AttachmentInfo", Message((1, "a"), (2, "eth0"), (3, 1), (4, 2), (5, 2), (6, "127.0.0.1:10001"), MapEntry(7, "k", "v"),
                (8, Big), (9, Big + 1), (10, Big + 2), (11, Big + 3), (12, Message((1, 1_700_000_000L), (2, 42)))),
            new AttachmentInfo
            {
                Id = "a", Target = "eth0", Type = Netfence.Protocol.V1.AttachmentType.Tc, Mode = Netfence.Protocol.V1.PolicyMode.Allowlist,
                DnsMode = Netfence.Protocol.V1.DnsMode.Allowlist, DnsAddress = "127.0.0.1:10001", Metadata = { ["k"] = "v" },
                PacketsAllowed = Big, PacketsBlocked = Big + 1, DnsQueriesAllowed = Big + 2, DnsQueriesBlocked = Big + 3,
                AttachedAt = new Timestamp { Seconds = 1_700_000_000, Nanos = 42 },
            } },
        { "DaemonStatus", Message((1, "1.0"), (2, "d"), (3, "h"), (4, 3), (5, "https://cp:8443"), (6, 7)),
            new DaemonStatus { Version = "1.0", DaemonId = "d", Hostname = "h", ControlPlaneState = ConnectionState.Connected, ControlPlaneAddress = "https://cp:8443", AttachmentCount = 7 } },
        { "DaemonStatus.connecting", Message((4, 2)), new DaemonStatus { ControlPlaneState = ConnectionState.Connecting } },
        { "DaemonStatus.disconnected", Message((4, 1)), new DaemonStatus { ControlPlaneState = ConnectionState.Disconnected } },
        // Our extensions, numbered after the last v1 field of each message.
        { "ext Attachment.dns_address/rule_version", Message((1, "a"), (7, "127.0.0.1:10000"), (8, "v42")), new Attachment { Id = "a", DnsAddress = "127.0.0.1:10000", RuleVersion = "v42" } },
        { "ext ControlCommand.version", Message((1, "a"), (6, "10.0.0.0/8"), (13, "n1")), new ControlCommand { Id = "a", RemoveCidr = "10.0.0.0/8", Version = "n1" } },
        { "ext DaemonEvent.command_result", Message((5, Message((1, "a"), (2, "n1"), (3, 2), (4, "bulk_update.allow_cidrs[0].cidr"), (5, "bad")))),
            new DaemonEvent { CommandResult = new CommandResult { Id = "a", Version = "n1", Status = CommandStatus.Nack, Field = "bulk_update.allow_cidrs[0].cidr", Error = "bad" } } },
        { "ext AttachRequest.dns_listen_address", Message((1, "tap0"), (4, "10.0.0.1")), new AttachRequest { InterfaceName = "tap0", DnsListenAddress = "10.0.0.1" } },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void HandEncodedDecodesToTheGeneratedMessage(string name, byte[] hand, IMessage expected)
    {
        var decoded = expected.Descriptor.Parser.ParseFrom(hand);
        Assert.True(expected.Equals(decoded), $"{name}: decoded {decoded} but expected {expected}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GeneratedEncodesToTheHandBytes(string name, byte[] hand, IMessage expected)
    {
        Assert.True(hand.AsSpan().SequenceEqual(expected.ToByteArray()), $"{name}: {Convert.ToHexString(expected.ToByteArray())} != {Convert.ToHexString(hand)}");
    }

    [Fact]
    public void EnumNumbersMatchTheDocument()
    {
        Assert.Equal([0, 1, 2, 3, 4], System.Enum.GetValues<Netfence.Protocol.V1.PolicyMode>().Select(v => (int)v));
        Assert.Equal(["POLICY_MODE_UNSPECIFIED", "POLICY_MODE_DISABLED", "POLICY_MODE_ALLOWLIST", "POLICY_MODE_BLOCK_ALL", "POLICY_MODE_DENYLIST"],
            TypesReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("PolicyMode").Values.Select(v => v.Name));
        Assert.Equal(["DNS_MODE_UNSPECIFIED", "DNS_MODE_DISABLED", "DNS_MODE_ALLOWLIST", "DNS_MODE_DENYLIST", "DNS_MODE_PROXY"],
            TypesReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("DnsMode").Values.Select(v => v.Name));
        Assert.Equal(["ATTACHMENT_TYPE_UNSPECIFIED", "ATTACHMENT_TYPE_TC", "ATTACHMENT_TYPE_CGROUP"],
            TypesReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("AttachmentType").Values.Select(v => v.Name));
    }

    [Fact]
    public void ServicesAndMethodsMatchTheDocument()
    {
        var control = ControlReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("ControlPlane");
        Assert.Equal("netfence.v1.ControlPlane", control.FullName);
        Assert.Equal(
            ["Connect netfence.v1.DaemonEvent>netfence.v1.ControlCommand client-stream server-stream", "QueryDns netfence.v1.DnsQueryRequest>netfence.v1.DnsQueryResponse"],
            control.Methods.Select(Describe));
        var daemon = DaemonReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("DaemonService");
        Assert.Equal("netfence.v1.DaemonService", daemon.FullName);
        Assert.Equal(
            [
                "Attach netfence.v1.AttachRequest>netfence.v1.AttachResponse",
                "Detach netfence.v1.DetachRequest>google.protobuf.Empty",
                "List netfence.v1.ListRequest>netfence.v1.ListResponse",
                "GetStatus google.protobuf.Empty>netfence.v1.DaemonStatus",
            ],
            daemon.Methods.Select(Describe));
        // The stubs address the methods by these HTTP/2 paths.
        Assert.Equal("/netfence.v1.ControlPlane/Connect", $"/{control.FullName}/{control.Methods[0].Name}");
        Assert.NotNull(typeof(Netfence.Protocol.V1.ControlPlane.ControlPlaneClient));
        Assert.NotNull(typeof(DaemonService.DaemonServiceBase));

        static string Describe(Google.Protobuf.Reflection.MethodDescriptor m) =>
            $"{m.Name} {m.InputType.FullName}>{m.OutputType.FullName}{(m.IsClientStreaming ? " client-stream" : "")}{(m.IsServerStreaming ? " server-stream" : "")}";
    }
}

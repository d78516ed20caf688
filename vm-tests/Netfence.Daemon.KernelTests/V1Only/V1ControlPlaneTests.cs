using System.Net;
using Netfence.Daemon.KernelTests.Processes;
using Netfence.KernelTesting;
using Netfence.Sandbox;
using LocalApi = Netfence.Protocol.V1;

namespace Netfence.Daemon.KernelTests.V1Only;

/// <summary>
/// Wire compatibility with a control plane that knows only the Netfence v1 protocol (no CommandResult, no versions, no
/// rule_version): it drives a real netfenced through attach, every command kind and detach, the kernel enforces each
/// step, and netfenced's additive events reach it as unknown fields that break nothing.
/// </summary>
public sealed class V1ControlPlaneTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [KernelFact]
    public async Task A_v1_only_control_plane_drives_attach_every_command_kind_and_detach_and_the_kernel_enforces_them()
    {
        await using var listener = new AcceptingListener();
        using var upstream = new FakeUpstream(IPAddress.Parse("127.0.0.5"));
        using var cgroup = new SandboxCgroup();
        var root = NetfencedProcess.NewScratchDirectory();
        await using var controlPlane = await V1ControlPlane.StartAsync(Path.Combine(root, "cp.sock"));
        controlPlane.Ack = new SubscribedAck
        {
            Mode = PolicyMode.Allowlist,
            AllowCidrs = { new CIDREntry { Cidr = "127.0.0.1/32" } },
            Dns = new DnsConfig { Mode = DnsMode.Allowlist },
        };
        // 127.0.0.5 is what the fake upstream answers; rebinding protection would refuse to learn a loopback address.
        await using var daemon = await NetfencedProcess.StartAsync(root, controlPlane.Address,
            extraDns: $"upstream_servers: [{upstream.Endpoint}]\nrebinding_protection: false");
        await daemon.WaitForControlPlaneAsync(LocalApi.ConnectionState.Connected, TimeSpan.FromSeconds(30));
        var sync = controlPlane.Events.First(e => e.EventCase == DaemonEvent.EventOneofCase.Sync).Sync;
        Assert.NotEmpty(sync.DaemonId);

        var attached = await daemon.Client.AttachAsync(new LocalApi.AttachRequest { CgroupPath = cgroup.Path });
        var subscribed = controlPlane.Events.Single(e => e.EventCase == DaemonEvent.EventOneofCase.Subscribed).Subscribed;
        Assert.Equal(attached.Id, subscribed.Id);
        Assert.Equal(AttachmentType.Cgroup, subscribed.Type);
        var dns = IPEndPoint.Parse(subscribed.DnsAddress);
        using var probe = new CgroupProbe(cgroup.Path);
        string Connect(string address) => probe.Connect(address, listener.Port);
        void Becomes(string address, string outcome, string after) =>
            Assert.True(probe.Becomes(address, listener.Port, outcome, Deadline), $"{address} is not {outcome} after {after} (it is {Connect(address)})");
        int sent = 0;
        void Send(ControlCommand command)
        {
            sent++;
            command.Id = attached.Id;
            controlPlane.Send(command);
        }
        Assert.Equal("connected", Connect("127.0.0.1"));
        Assert.Equal("denied", Connect("127.0.0.2"));

        Send(new ControlCommand { AllowCidr = new CIDREntry { Cidr = "127.0.0.2/32" } });
        Becomes("127.0.0.2", "connected", "allow_cidr");
        Send(new ControlCommand { RemoveCidr = "127.0.0.2/32" });
        Becomes("127.0.0.2", "denied", "remove_cidr");
        Send(new ControlCommand { SetMode = new SetMode { Mode = PolicyMode.Denylist } });
        Becomes("127.0.0.2", "connected", "set_mode denylist");
        Send(new ControlCommand { DenyCidr = new CIDREntry { Cidr = "127.0.0.2/32" } });
        Becomes("127.0.0.2", "denied", "deny_cidr");
        Assert.Equal("connected", Connect("127.0.0.1"));
        var bulk = new BulkUpdate { Mode = PolicyMode.Allowlist, AllowCidrs = { new CIDREntry { Cidr = "127.0.0.3/32" } }, Dns = new DnsConfig { Mode = DnsMode.Allowlist } };
        Send(new ControlCommand { BulkUpdate = bulk });
        // 127.0.0.3 connects under the denylist too: the change shows as 127.0.0.1 leaving.
        Becomes("127.0.0.1", "denied", "bulk_update");
        Assert.Equal("connected", Connect("127.0.0.3"));
        Assert.Equal("denied", Connect("127.0.0.2"));

        // DNS: an allowed name is resolved and its address learned into the kernel; a removed or denied one is refused.
        const int refused = 5;
        Assert.Equal(refused, FakeUpstream.Query(dns, "v1.test")?.Rcode);
        Assert.Equal("denied", Connect("127.0.0.5"));
        Send(new ControlCommand { AllowDomain = new DomainEntry { Domain = "v1.test" } });
        Assert.True(Poll.Until(() => FakeUpstream.Query(dns, "v1.test") is (0, 1), Deadline), "v1.test is not answered after allow_domain");
        Assert.Equal("connected", Connect("127.0.0.5"));
        Send(new ControlCommand { RemoveDomain = "v1.test" });
        Assert.True(Poll.Until(() => FakeUpstream.Query(dns, "v1.test")?.Rcode == refused, Deadline), "v1.test is still answered after remove_domain");
        Send(new ControlCommand { SetDnsMode = new SetDnsMode { Mode = DnsMode.Denylist } });
        Assert.True(Poll.Until(() => FakeUpstream.Query(dns, "other.test") is (0, 1), Deadline), "other.test is not answered after set_dns_mode denylist");
        Send(new ControlCommand { DenyDomain = new DomainEntry { Domain = "other.test" } });
        Assert.True(Poll.Until(() => FakeUpstream.Query(dns, "other.test")?.Rcode == refused, Deadline), "other.test is still answered after deny_domain");

        Send(new ControlCommand { SetMode = new SetMode { Mode = PolicyMode.BlockAll } });
        Becomes("127.0.0.3", "denied", "set_mode block_all");
        Assert.Equal("denied", Connect("127.0.0.1"));

        await daemon.Client.DetachAsync(new LocalApi.DetachRequest { Id = attached.Id });
        Assert.Equal("connected", Connect("127.0.0.2"));
        Assert.True(Poll.Until(() => controlPlane.Events.Any(e => e.Unsubscribed is { Reason: UnsubscribeReason.Detached } u && u.Id == attached.Id), Deadline),
            "the v1 control plane did not get Unsubscribed{DETACHED}");

        // netfenced answered the ack and every command with its additive CommandResult: to a v1 control plane an event
        // of an unknown case, carried along as unknown fields, and the stream stayed up throughout.
        Assert.True(Poll.Until(() => controlPlane.UnknownEvents == sent + 1, Deadline), $"{controlPlane.UnknownEvents} events of a case unknown to v1 arrived for {sent + 1} commands");
        Assert.All(controlPlane.Events.Where(e => e.EventCase == DaemonEvent.EventOneofCase.None), e => Assert.True(e.CalculateSize() > 0, "an event of an unknown case arrived empty"));
        Assert.Single(controlPlane.Events, e => e.EventCase == DaemonEvent.EventOneofCase.Sync);
    }
}

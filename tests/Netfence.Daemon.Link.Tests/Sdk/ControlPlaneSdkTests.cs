using Microsoft.Extensions.DependencyInjection;
using Netfence.ControlPlane.Hosting;
using Netfence.ControlPlane.Policies;
using Netfence.ControlPlane.Status;
using Netfence.Daemon.Link.Tests.Infrastructure;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Protocol.V1;
using PolicyMode = Netfence.Policy.Modes.PolicyMode;
using DnsMode = Netfence.Policy.Modes.DnsMode;

namespace Netfence.Daemon.Link.Tests.Sdk;

/// <summary>The link against the real control-plane SDK (src/Netfence.ControlPlane), not a script of it.</summary>
public sealed class ControlPlaneSdkTests
{
    static DesiredState Allow(params string[] cidrs) =>
        new(PolicyMode.Allowlist, cidrs.Select(c => CidrGrant.Parse(c)), [], new DnsPolicy(DnsMode.Allowlist, [], [], []));

    static async Task<(TestServer Server, ControlPlaneStatus Status)> StartSdkAsync(SwitchablePolicySource source)
    {
        var server = await TestServer.StartAsync(new ServerEndpoint.Unix(TestLink.SocketPath()), builder =>
        {
            builder.Services.AddSingleton<IPolicySource>(source);
            builder.Services.AddNetfenceControlPlane();
        }, app => app.MapNetfenceControlPlane());
        return (server, server.Services.GetRequiredService<ControlPlaneStatus>());
    }

    [Fact]
    public async Task Sync_subscribe_and_a_pushed_change_reach_the_host_and_the_SDK_sees_them_applied()
    {
        var source = new SwitchablePolicySource();
        var existing = Allow("10.0.0.0/8");
        source.Set("att-old", existing, announce: false);
        var (server, status) = await StartSdkAsync(source);
        await using var serving = server;
        var host = new FakeAttachmentHost();
        host.Add("att-old");
        await using var test = TestLink.Start(server.Address, host: host);
        await test.ConnectedAsync();

        // The sync made the SDK resync att-old, which it reported with no rule version: the host now enforces it.
        await Wait.UntilAsync(() => status.IsEnforcing("daemon-1", "att-old", existing.Version), "att-old to be enforced");
        Assert.Equal(existing.Version, host["att-old"].RuleVersion);
        Assert.Equal("host-1.test", status.FindDaemon("daemon-1")!.Hostname);

        var web = Allow("192.0.2.0/24");
        source.Set("att-new", web, announce: false);
        host.Add("att-new");
        var ack = await test.Link.SubscribeAsync(new Subscribed { Id = "att-new", Target = "tap-new", Type = Protocol.V1.AttachmentType.Tc, Mode = Protocol.V1.PolicyMode.BlockAll, DnsMode = Protocol.V1.DnsMode.Allowlist }, CancellationToken.None);
        Assert.Equal(["192.0.2.0/24"], ack.AllowCidrs.Select(c => c.Cidr));
        await Wait.UntilAsync(() => status.FindAttachment("daemon-1", "att-new") is { Delivery: Delivery.Applied }, "the SDK to see the ack applied");

        var changed = Allow("192.0.2.0/24", "198.51.100.0/24");
        source.Set("att-new", changed);
        await Wait.UntilAsync(() => status.IsEnforcing("daemon-1", "att-new", changed.Version), "the change to be enforced");
        Assert.Equal(["192.0.2.0/24", "198.51.100.0/24"], host["att-new"].Rules.AllowCidrs.Select(r => r.Network.ToString()));

        test.Link.Unsubscribed("att-new", UnsubscribeReason.Detached, null);
        await Wait.UntilAsync(() => status.FindAttachment("daemon-1", "att-new") is null, "the SDK to forget att-new");
    }
}

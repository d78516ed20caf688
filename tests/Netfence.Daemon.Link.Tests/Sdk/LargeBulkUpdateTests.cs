using System.Net;
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

/// <summary>
/// A BulkUpdate larger than gRPC's default 4 MiB message limit between the real SDK and the real link: with the
/// default limits of both it is applied; a daemon whose limit is smaller says which setting refused it.
/// </summary>
public sealed class LargeBulkUpdateTests
{
    // 100,000 IPv6 /128 networks (the most one list may hold): about 4.7 MB as a BulkUpdate.
    static DesiredState HundredThousandCidrs() => new(PolicyMode.Allowlist,
        Enumerable.Range(0, PolicyLimits.MaxCidrsPerList).Select(i => new CidrGrant(new IPNetwork(IPAddress.Parse($"2001:db8:ffff:ffff:ffff:ffff:{0xa000 + i / 4096:x4}:{0xb000 + i % 4096:x4}"), 128))),
        [], new DnsPolicy(DnsMode.Allowlist, [], [], []));

    static Task<TestServer> StartSdkAsync(SwitchablePolicySource source) =>
        TestServer.StartAsync(new ServerEndpoint.Unix(TestLink.SocketPath()), builder =>
        {
            builder.Services.AddSingleton<IPolicySource>(source);
            builder.Services.AddNetfenceControlPlane();
        }, app => app.MapNetfenceControlPlane());

    [Fact]
    public async Task A_BulkUpdate_of_100000_CIDRs_is_applied_with_the_default_limits()
    {
        var source = new SwitchablePolicySource();
        await using var server = await StartSdkAsync(source);
        var status = server.Services.GetRequiredService<ControlPlaneStatus>();
        var host = new FakeAttachmentHost();
        host.Add("att-big");
        source.Set("att-big", DesiredState.BlockAll, announce: false);
        await using var test = TestLink.Start(server.Address, settings => settings with { MaxMessageSize = Configuration.ControlPlaneSettings.DefaultMaxMessageSize }, host);
        await test.ConnectedAsync();
        await Wait.UntilAsync(() => status.IsEnforcing("daemon-1", "att-big", DesiredState.BlockAll.Version), "the sync to settle");

        var big = HundredThousandCidrs();
        var update = new BulkUpdate { Mode = Protocol.V1.PolicyMode.Allowlist };
        update.AllowCidrs.Add(big.AllowCidrs.Select(g => new CIDREntry { Cidr = g.Network.ToString() }));
        var size = new ControlCommand { Id = "att-big", BulkUpdate = update }.CalculateSize();
        Assert.True(size > 4 << 20, $"the update is only {size} bytes, within gRPC's default limit");
        source.Set("att-big", big);

        await Wait.UntilAsync(() => status.IsEnforcing("daemon-1", "att-big", big.Version), "the 100,000-CIDR update to be enforced", TimeSpan.FromSeconds(60));
        Assert.Equal(PolicyLimits.MaxCidrsPerList, host["att-big"].Rules.AllowCidrs.Count());
        Assert.Equal(1, test.TimesConnected);
    }

    [Fact]
    public async Task A_daemon_with_a_smaller_limit_drops_the_stream_naming_the_setting()
    {
        var source = new SwitchablePolicySource();
        await using var server = await StartSdkAsync(source);
        var host = new FakeAttachmentHost();
        host.Add("att-big");
        source.Set("att-big", HundredThousandCidrs(), announce: false);
        await using var test = TestLink.Start(server.Address, settings => settings with { MaxMessageSize = 4 << 20 }, host);

        await Wait.UntilAsync(() => test.Link.LastError?.Contains("control_plane.max_message_size is 4194304 bytes") == true,
            "the link to report the message size limit", TimeSpan.FromSeconds(30));
        Assert.Contains("ResourceExhausted", test.Link.LastError);
        Assert.Empty(host["att-big"].Rules.AllowCidrs);
    }
}

using Netfence.Daemon.Link.Tests.Infrastructure;

namespace Netfence.Daemon.Link.Tests.Connection;

public sealed class KeepaliveTests
{
    [Fact]
    public async Task A_control_plane_that_goes_silent_is_noticed_by_keepalive_pings_and_the_link_reconnects()
    {
        var service = new ScriptedControlPlane();
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath()));
        await using var proxy = FreezableProxy.Start(TestLink.SocketPath(), server.Address.AbsolutePath);
        // Heartbeats an hour apart and no commands: nothing but the pings can find out that the peer is gone.
        await using var test = TestLink.Start(proxy.Address, s => s with
        {
            KeepaliveInterval = TimeSpan.FromSeconds(1),
            KeepaliveTimeout = TimeSpan.FromSeconds(1),
        });
        await test.ConnectedAsync();

        proxy.Freeze();

        var error = await Wait.UntilAsync(() => test.Link.LastError, "the link to notice the silent peer");
        Assert.True(error.Contains("ping", StringComparison.OrdinalIgnoreCase), error);
        await test.ConnectedAsync(times: 2);
    }
}

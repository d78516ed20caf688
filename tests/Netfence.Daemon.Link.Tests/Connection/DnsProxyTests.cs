using Grpc.Core;
using Netfence.Daemon.ControlPlane;
using Netfence.Daemon.Link.Tests.Infrastructure;
using Netfence.Dns.Proxy;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Connection;

public sealed class DnsProxyTests
{
    static DnsQueryRequest Query => new() { Id = "att-1", Domain = "example.com.", QueryType = "A" };

    [Fact]
    public async Task A_query_is_answered_over_the_links_channel_with_a_deadline()
    {
        DateTime? deadline = null;
        var service = new ScriptedControlPlane
        {
            Dns = (request, context) =>
            {
                deadline = context.Deadline;
                return Task.FromResult(new DnsQueryResponse { Allow = request.Domain == "example.com.", AddToFilter = true, TtlSeconds = 60 });
            },
        };
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath()));
        await using var test = TestLink.Start(server.Address);
        await test.ConnectedAsync();
        IDnsControlPlane proxy = new LinkDnsControlPlane(test.Link, TimeSpan.FromSeconds(30));

        var answer = await proxy.QueryDnsAsync(Query, CancellationToken.None);

        Assert.True(answer.Allow);
        Assert.Equal(60u, answer.TtlSeconds);
        Assert.NotNull(deadline);
        Assert.NotEqual(DateTime.MaxValue, deadline);
    }

    [Fact]
    public async Task A_control_plane_that_does_not_answer_in_time_is_unavailable()
    {
        var service = new ScriptedControlPlane
        {
            Dns = async (_, context) =>
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                throw new InvalidOperationException("unreachable");
            },
        };
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath()));
        await using var test = TestLink.Start(server.Address);
        await test.ConnectedAsync();
        var proxy = new LinkDnsControlPlane(test.Link, TimeSpan.FromMilliseconds(200));

        var error = await Assert.ThrowsAsync<ControlPlaneUnavailableException>(() => proxy.QueryDnsAsync(Query, CancellationToken.None));
        Assert.Contains("DeadlineExceeded", error.Message);
        Assert.Contains("att-1", error.Message);
    }

    [Fact]
    public async Task An_error_status_is_unavailable_and_while_disconnected_no_call_is_made()
    {
        var service = new ScriptedControlPlane();
        await using (var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath())))
        {
            await using var test = TestLink.Start(server.Address);
            await test.ConnectedAsync();
            var error = await Assert.ThrowsAsync<ControlPlaneUnavailableException>(() => test.Link.QueryDnsAsync(Query, TimeSpan.FromSeconds(5), CancellationToken.None));
            Assert.Contains("Unimplemented", error.Message);
        }

        await using var down = TestLink.Start(new Uri("unix://" + TestLink.SocketPath()));
        await Wait.UntilAsync(() => down.Link.State == ConnectionState.Disconnected && down.Link.LastError is not null, "a failed attempt");
        var unavailable = await Assert.ThrowsAsync<ControlPlaneUnavailableException>(() => down.Link.QueryDnsAsync(Query, TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Contains("is not connected", unavailable.Message);
    }
}

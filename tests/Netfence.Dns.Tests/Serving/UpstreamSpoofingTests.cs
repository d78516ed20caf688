using System.Net;
using System.Net.Sockets;
using Netfence.Dns.Tests.Support;
using Netfence.Policy.Modes;

namespace Netfence.Dns.Tests.Serving;

/// <summary>
/// An answer to a forwarded query is accepted only from the upstream it was sent to: one from any other address,
/// even with the right id and question and sent first, neither reaches the client nor teaches anything.
/// </summary>
public sealed class UpstreamSpoofingTests
{
    [Fact]
    public async Task An_answer_from_another_address_with_the_right_id_is_ignored_and_the_upstreams_own_is_used()
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        upstream.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var spoofer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        spoofer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var server = await TestServer.StartAsync(upstream: (IPEndPoint)upstream.LocalEndPoint!, upstreamTimeout: TimeSpan.FromSeconds(3));
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["spoofed.test+"]));

        // The scripted upstream: for each query, the spoofer answers first (knowing id, port and name), then the upstream.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var scripted = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            var from = new IPEndPoint(IPAddress.Any, 0);
            var received = await upstream.ReceiveFromAsync(buffer, SocketFlags.None, from, stop.Token);
            var query = Queries.Parse(buffer[..received.ReceivedBytes]);
            await spoofer.SendToAsync(Queries.AnswerTo(query, IPAddress.Parse("198.51.100.66")), SocketFlags.None, received.RemoteEndPoint, stop.Token);
            await upstream.SendToAsync(Queries.AnswerTo(query, IPAddress.Parse("192.0.2.10")), SocketFlags.None, received.RemoteEndPoint, stop.Token);
        });

        var answer = await Queries.UdpAsync(server.Endpoint, Queries.Bytes("www.spoofed.test"));
        await scripted;

        Assert.NotNull(answer);
        Assert.Equal(["192.0.2.10"], Queries.Addresses(answer).Select(a => a.ToString()));
        Assert.Equal([IPAddress.Parse("192.0.2.10")], server.Writer.Map.Keys);
    }
}

using System.Net;
using System.Net.Sockets;
using Netfence.Dns.Learning;
using Netfence.Dns.Serving;
using Netfence.Dns.Tests.Support;
using Netfence.Policy.Modes;

namespace Netfence.Dns.Tests.Serving;

/// <summary>
/// When the per-name cap withdraws the teaching that gave an address its longest expiry, and another question still
/// teaches the address, the kernel is told the remaining expiry: the withdrawn one must not keep the address open.
/// </summary>
public sealed class CapShorteningTests
{
    static readonly IPAddress Shared = IPAddress.Parse("192.0.2.21"), Other = IPAddress.Parse("192.0.2.22");

    [Fact]
    public async Task The_cap_withdrawing_an_addresses_longest_teaching_shortens_what_the_kernel_holds()
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        upstream.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        // One address per name and no cache, so the second answer for a.test is asked upstream and makes the cap act.
        var options = new DnsServerOptions { MaxIpsPerName = 1, CacheEntriesPerAttachment = 0, Ttl = new LearnedTtl(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), TimeSpan.Zero) };
        await using var server = await TestServer.StartAsync(options, upstream: (IPEndPoint)upstream.LocalEndPoint!, upstreamTimeout: TimeSpan.FromSeconds(3));
        await server.Attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["a.test", "b.test"]));

        // a.test: the shared address for an hour; b.test: the same address for two minutes; a.test again: another one.
        (string Name, IPAddress Address, uint Ttl)[] script = [("a.test", Shared, 3600), ("b.test", Shared, 120), ("a.test", Other, 60)];
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var scripted = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            foreach (var (name, address, ttl) in script)
            {
                var received = await upstream.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                var query = Queries.Parse(buffer[..received.ReceivedBytes]);
                Assert.Equal(name, query.Questions[0].Name.Text.TrimEnd('.'));
                await upstream.SendToAsync(Queries.AnswerTo(query, address, ttl), SocketFlags.None, received.RemoteEndPoint, stop.Token);
            }
        });

        var before = DateTimeOffset.UtcNow;
        foreach (var (name, _, _) in script)
            Assert.NotNull(await Queries.UdpAsync(server.Endpoint, Queries.Bytes(name)));
        await scripted;
        var after = DateTimeOffset.UtcNow;

        // a.test's hour was withdrawn with its teaching; b.test's two minutes are what keeps the address open now.
        var held = server.Writer.Map[Shared];
        Assert.Equal("b.test", held.Domain);
        Assert.InRange(held.ExpiresAt, before + TimeSpan.FromSeconds(120), after + TimeSpan.FromSeconds(120));
        Assert.Contains(server.Writer.Calls, c => c.StartsWith("withdraw 192.0.2.21 a.test", StringComparison.Ordinal));
        Assert.Contains(Other, server.Writer.Map.Keys);
    }
}

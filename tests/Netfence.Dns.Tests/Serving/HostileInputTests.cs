using System.Diagnostics;
using Microsoft.Extensions.Logging;
using System.Net.Sockets;
using Netfence.Dns.Serving;
using Netfence.Dns.Tests.Support;
using Netfence.Dns.Wire;
using Netfence.Policy.Modes;

namespace Netfence.Dns.Tests.Serving;

[Collection("dnsmasq")]
public class HostileInputTests(DnsmasqFixture dnsmasq)
{
    const int UdpPackets = 1_000_000;
    const int TcpMessages = 20_000;

    /// <summary>
    /// A deterministic stream of hostile datagrams: pure random octets, and mutations of valid queries — cut short,
    /// header counts corrupted, compression pointers planted (random targets, a pointer to itself, two pointing at
    /// each other), labels claiming 64..255 octets or names past 255, answers posing as queries' responses, and
    /// bit flips.
    /// </summary>
    internal sealed class Mutator(int seed)
    {
        readonly Random _random = new(seed);
        readonly byte[][] _seeds =
        [
            Queries.Bytes("ok.allowed.test"), Queries.Bytes("x.denied.test", DnsType.AAAA, edns: true),
            Queries.Bytes("alias.test", DnsType.TXT), Queries.Bytes("a.b.c.d.e.f.unknown.example", DnsType.ANY),
            Queries.Bytes("big.test", DnsType.TXT, edns: true), Queries.Bytes(string.Join('.', Enumerable.Repeat("q", 100)) + ".allowed.test"),
        ];

        public byte[] Next()
        {
            var seed = _seeds[_random.Next(_seeds.Length)];
            switch (_random.Next(9))
            {
                case 0:
                {
                    var bytes = new byte[_random.Next(0, 600)];
                    _random.NextBytes(bytes);
                    return bytes;
                }
                case 1:
                    return seed[.._random.Next(0, seed.Length)];
                case 2:
                {
                    // Bad counts: random, all-ones, or a zero question count with trailing data.
                    var bytes = (byte[])seed.Clone();
                    int style = _random.Next(3);
                    for (int i = 4; i < 12; i++) bytes[i] = style switch { 0 => (byte)_random.Next(256), 1 => 0xFF, _ => 0 };
                    return bytes;
                }
                case 3:
                {
                    // A compression pointer at a random place pointing at a random offset (forwards, backwards, the header).
                    var bytes = (byte[])seed.Clone();
                    int at = _random.Next(12, bytes.Length - 1);
                    bytes[at] = (byte)(0xC0 | _random.Next(4));
                    bytes[at + 1] = (byte)_random.Next(256);
                    return bytes;
                }
                case 4:
                {
                    // Compression loops: the question name is a pointer to itself, or two labels point at each other.
                    var bytes = new List<byte>(seed[..12]);
                    if (_random.Next(2) == 0) bytes.AddRange([0xC0, 12]);
                    else bytes.AddRange([1, (byte)'a', 0xC0, 16, 1, (byte)'b', 0xC0, 12]);
                    bytes.AddRange([0, 1, 0, 1]);
                    return [.. bytes];
                }
                case 5:
                {
                    // Labels claiming 64..255 octets, or a name built of many maximal labels (past 255 octets).
                    var bytes = new List<byte>(seed[..12]);
                    int labels = _random.Next(1, 8);
                    for (int i = 0; i < labels; i++)
                    {
                        int length = _random.Next(40, 256);
                        bytes.Add((byte)length);
                        bytes.AddRange(Enumerable.Repeat((byte)'a', Math.Min(length, 63)));
                    }
                    bytes.AddRange([0, 0, 1, 0, 1]);
                    return [.. bytes];
                }
                case 6:
                {
                    // A response (QR set) with the query's question: never answered, so nobody is reflected at.
                    var bytes = (byte[])seed.Clone();
                    bytes[2] |= 0x80;
                    return bytes;
                }
                case 7:
                {
                    // Random octets appended after a valid query (trailing garbage, or a bogus record section).
                    var tail = new byte[_random.Next(1, 300)];
                    _random.NextBytes(tail);
                    return [.. seed, .. tail];
                }
                default:
                {
                    var bytes = (byte[])seed.Clone();
                    int flips = _random.Next(1, 9);
                    for (int i = 0; i < flips; i++) bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
                    return bytes;
                }
            }
        }
    }

    [Fact]
    public async Task A_million_hostile_packets_leave_the_server_healthy_and_its_memory_flat()
    {
        // The rate limit is lifted so that every packet reaches the parser and the mutated valid queries go all the way
        // through decision, upstream and learning; the limit's own behaviour has its test in ResponseCodeTests.
        var options = new DnsServerOptions { QueriesPerSecond = 10_000_000, DefaultUpstreams = [dnsmasq.Upstream.Endpoint] };
        var logger = new RecordingLogger();
        var unobserved = new List<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, e) =>
        {
            // Process-wide: keep only what comes from the server, not from another test class running beside this one.
            if (e.Exception.ToString().Contains("Netfence.Dns.", StringComparison.Ordinal) && !e.Exception.ToString().Contains(".Tests.", StringComparison.Ordinal))
                lock (unobserved) unobserved.Add(e.Exception);
        };
        TaskScheduler.UnobservedTaskException += onUnobserved;
        try
        {
            await using var server = await TestServer.StartAsync(options, logger: logger);
            var attachment = server.Attachment;
            await attachment.ConfigureAsync(TestServer.Policy(DnsMode.Allowlist, ["allowed.test+", "alias.test", "big.test"]));

            using var socket = new Socket(server.Endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(server.Endpoint);
            var drain = Task.Run(async () =>
            {
                var buffer = new byte[65535];
                try
                {
                    while (true) await socket.ReceiveAsync(buffer, SocketFlags.None);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // The socket closes at the end of the test.
                }
            });

            var mutator = new Mutator(20251125);
            long heapBefore = 0, workingSetBefore = 0;
            long sent = 0;
            for (int i = 0; i < UdpPackets; i++)
            {
                if (i == 50_000)
                {
                    // Measured once the server is warm (JIT, pools, cache filled): growth from here on would be a leak.
                    await WaitForAsync(() => attachment.Counters.Received >= sent - 16);
                    heapBefore = GC.GetTotalMemory(forceFullCollection: true);
                    workingSetBefore = WorkingSet();
                }
                var packet = mutator.Next();
                try
                {
                    socket.Send(packet);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.NoBufferSpaceAvailable)
                {
                    // An ICMP error of an earlier datagram surfaces on the next send; the datagram itself is not lost.
                }
                sent++;
                // A bounded window: at most ~256 datagrams ahead of what the server has taken in, so the socket buffer
                // does not simply drop the flood.
                if ((i & 63) == 0) await WaitForAsync(() => attachment.Counters.Received >= sent - 256);
            }
            await WaitForAsync(() => attachment.Counters.Received >= sent - 16);

            // A share over TCP: framed hostile messages on many connections, some of which the server closes.
            var tcpMutator = new Mutator(7);
            var messages = Enumerable.Range(0, TcpMessages).Select(_ => tcpMutator.Next()).Where(m => m.Length > 0).ToList();
            await Parallel.ForEachAsync(messages.Chunk(50), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (chunk, token) =>
            {
                using var tcp = new Socket(server.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                await tcp.ConnectAsync(server.Endpoint, token);
                try
                {
                    foreach (var message in chunk)
                    {
                        var framed = new byte[message.Length + 2];
                        framed[0] = (byte)(message.Length >> 8);
                        framed[1] = (byte)message.Length;
                        message.CopyTo(framed, 2);
                        await tcp.SendAsync(framed, SocketFlags.None, token);
                    }
                    tcp.Shutdown(SocketShutdown.Send);
                    var buffer = new byte[65535];
                    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    while (await tcp.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) > 0) { }
                }
                catch (SocketException)
                {
                    // The server closed a connection that sent a non-query; that is the intended reaction.
                }
            });

            // Still serving, over both transports. Queries still in flight from the flood hold some of the attachment's
            // slots until their upstream answers; a UDP client retries, and so does this one, within a deadline.
            DnsMessage? answer = null;
            for (int attempt = 0; attempt < 5 && answer is null; attempt++)
                answer = await Queries.UdpAsync(server.Endpoint, Queries.Bytes("after.allowed.test", id: (ushort)(4242 + attempt)), TimeSpan.FromSeconds(3));
            Assert.NotNull(answer);
            Assert.Equal(["192.0.2.10"], Queries.Addresses(answer!).Select(a => a.ToString()));
            var tcpAnswer = await Queries.TcpAsync(server.Endpoint, Queries.Bytes("after.allowed.test", id: 4343));
            Assert.Equal(DnsRcode.NoError, tcpAnswer[0].Rcode);

            var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var workingSetAfter = WorkingSet();
            var counters = attachment.Counters;
            Assert.Equal(0, counters.InternalErrors);
            Assert.Empty(logger.AtLeast(LogLevel.Error));
            lock (unobserved) Assert.Empty(unobserved);
            Assert.True(counters.Received >= UdpPackets * 0.99, $"the server took in only {counters.Received} of {UdpPackets} datagrams");
            Assert.True(counters.Malformed > UdpPackets / 2, $"only {counters.Malformed} packets were judged malformed");
            Assert.True(counters.Allowed > 1000 && counters.Blocked > 1000, $"too few mutations stayed valid queries: {counters.Allowed} allowed, {counters.Blocked} blocked");
            Assert.True(heapAfter - heapBefore < 32 * 1024 * 1024, $"the managed heap grew from {heapBefore:N0} to {heapAfter:N0} bytes");
            Assert.True(workingSetAfter - workingSetBefore < 96 * 1024 * 1024, $"the working set grew from {workingSetBefore:N0} to {workingSetAfter:N0} bytes");

            socket.Dispose();
            await drain;
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= onUnobserved;
        }
    }

    static long WorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    static async Task WaitForAsync(Func<bool> condition)
    {
        // Polled without sleeping (a 10 ms sleep per batch would dominate the run). A datagram the kernel
        // dropped never arrives, so after a quiet while the sender carries on.
        var deadline = Stopwatch.StartNew();
        while (!condition() && deadline.ElapsedMilliseconds < 200) await Task.Yield();
    }
}

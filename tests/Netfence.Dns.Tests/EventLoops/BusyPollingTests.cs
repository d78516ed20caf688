using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Netfence.Dns.EventLoops;

namespace Netfence.Dns.Tests.EventLoops;

/// <summary>
/// Busy polling: a loop that handled datagrams polls for a while before it sleeps again; a loop with nothing to do,
/// or with busy polling off, never polls (an idle server costs nothing).
/// </summary>
public sealed class BusyPollingTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    sealed class Counting(Socket socket) : IReadable
    {
        readonly int _fd = (int)socket.SafeHandle.DangerousGetHandle();
        int _datagrams;

        public int Datagrams => Volatile.Read(ref _datagrams);

        public void OnReadable(DatagramBatch batch)
        {
            int n = batch.Receive(_fd);
            if (n > 0) Interlocked.Add(ref _datagrams, n);
        }
    }

    static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {Deadline.TotalSeconds} s: {what}");
            Thread.Yield();
        }
    }

    // Sends one datagram and waits until the loop handled it and began a wait that may sleep again.
    static void ServeOne(EventLoop loop, Counting handler, Socket client, EndPoint server)
    {
        int handled = handler.Datagrams;
        long sleeps = loop.Sleeps;
        client.SendTo(new byte[] { 1 }, server);
        WaitUntil(() => handler.Datagrams > handled, "the loop handled the datagram");
        WaitUntil(() => loop.Sleeps > sleeps, "the loop went back to sleep");
    }

    [Fact]
    public void A_loop_that_handled_datagrams_polls_before_it_sleeps_again()
    {
        using var server = Bound();
        using var client = Bound();
        using var loop = new EventLoop("nft-test-poll", NullLogger.Instance, TimeSpan.FromMilliseconds(1));
        var handler = new Counting(server);
        loop.Add(server, handler);
        WaitUntil(() => loop.Sleeps > 0, "the loop waits");

        // A loop descheduled for the whole budget right after its work would not poll: ask until it has.
        var deadline = DateTime.UtcNow + Deadline;
        while (loop.EmptyPolls == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the loop never polled after handling a datagram");
            // Returns once the loop began a wait that may sleep again: its polling ended.
            ServeOne(loop, handler, client, server.LocalEndPoint!);
        }
    }

    [Fact]
    public void An_idle_loop_and_a_loop_with_busy_polling_off_never_poll()
    {
        using var server = Bound();
        using var client = Bound();
        using var idle = new EventLoop("nft-test-idle", NullLogger.Instance, TimeSpan.FromMilliseconds(1));
        using var off = new EventLoop("nft-test-off", NullLogger.Instance, TimeSpan.Zero);
        var handler = new Counting(server);
        off.Add(server, handler);

        // Periodic work wakes the idle loop without datagrams: no reason to poll.
        int ticks = 0;
        idle.AddTick(_ => Interlocked.Increment(ref ticks));
        WaitUntil(() => Volatile.Read(ref ticks) >= 3, "the idle loop ran its periodic work");
        for (int i = 0; i < 20; i++) ServeOne(off, handler, client, server.LocalEndPoint!);

        Assert.Equal(0, idle.EmptyPolls);
        Assert.Equal(0, off.EmptyPolls);
        Assert.True(off.Sleeps > 20);
    }
}

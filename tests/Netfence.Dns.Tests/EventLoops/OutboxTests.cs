using System.Net;
using System.Net.Sockets;
using Netfence.Dns.EventLoops;

namespace Netfence.Dns.Tests.EventLoops;

public sealed class OutboxTests
{
    static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    static byte[] Address(Socket socket)
    {
        var address = socket.LocalEndPoint!.Serialize();
        return address.Buffer.Span[..address.Size].ToArray();
    }

    static string Receive(Socket socket)
    {
        var buffer = new byte[Outbox.MaxDatagram];
        int n = socket.Receive(buffer);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, n);
    }

    [Fact]
    public void Datagrams_queued_on_several_sockets_all_arrive_in_order_after_the_flush_and_not_before()
    {
        using var from1 = Bound();
        using var from2 = Bound();
        using var to = Bound();
        using var outbox = new Outbox();

        // Interleaved sockets: runs of one socket go out together, and every datagram keeps its own destination.
        string[] sent = ["a1", "a2", "b1", "a3", "b2", "b3"];
        foreach (var text in sent)
            Assert.True(outbox.Queue((text[0] == 'a' ? from1 : from2).SafeHandle, System.Text.Encoding.ASCII.GetBytes(text), Address(to)));
        Assert.Equal(0, to.Available);
        Assert.Equal(sent.Length, outbox.Count);

        Assert.Equal(0, outbox.Flush());
        Assert.Equal(0, outbox.Count);
        var received = Enumerable.Range(0, sent.Length).Select(_ => Receive(to)).ToList();
        Assert.Equal(["a1", "a2", "a3"], received.Where(r => r[0] == 'a'));
        Assert.Equal(["b1", "b2", "b3"], received.Where(r => r[0] == 'b'));
    }

    [Fact]
    public void A_full_outbox_flushes_itself_and_an_oversized_datagram_goes_at_once()
    {
        using var from = Bound();
        using var to = Bound();
        using var outbox = new Outbox();
        to.ReceiveBufferSize = 1 << 20;

        for (int i = 0; i < Outbox.Capacity + 3; i++) Assert.True(outbox.Queue(from.SafeHandle, BitConverter.GetBytes(i), Address(to)));
        Assert.Equal(3, outbox.Count);
        var big = new byte[Outbox.MaxDatagram + 100];
        Assert.True(outbox.Queue(from.SafeHandle, big, Address(to)));
        Assert.Equal(3, outbox.Count);
        outbox.Flush();

        var buffer = new byte[big.Length];
        var lengths = Enumerable.Range(0, Outbox.Capacity + 4).Select(_ => to.Receive(buffer)).ToList();
        Assert.Equal(Outbox.Capacity + 3, lengths.Count(n => n == sizeof(int)));
        Assert.Equal(1, lengths.Count(n => n == big.Length));
    }

    [Fact]
    public async Task A_closed_socket_is_refused_and_a_queued_one_stays_usable_until_the_flush()
    {
        using var to = Bound();
        using var outbox = new Outbox();
        var closed = Bound();
        closed.Dispose();
        Assert.False(outbox.Queue(closed.SafeHandle, [1], Address(to)));

        // Closed (by another thread: a close waits for the references) after queueing: the reference the outbox holds
        // keeps the descriptor until the flush has sent the datagram.
        var closing = Bound();
        Assert.True(outbox.Queue(closing.SafeHandle, "late"u8, Address(to)));
        var closed2 = Task.Run(closing.Dispose);
        Assert.Equal(0, outbox.Flush());
        await closed2.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("late", Receive(to));
    }
}

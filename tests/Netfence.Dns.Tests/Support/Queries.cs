using System.Net;
using System.Net.Sockets;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Tests.Support;

/// <summary>Builds queries and talks to a server the plain way, with deadlines.</summary>
static class Queries
{
    public static DnsMessage Message(string name, DnsType type = DnsType.A, ushort id = 0x1234, bool edns = false) => new()
    {
        Id = id,
        Flags = 0x0100,
        Questions = [new DnsQuestion(DnsName.Parse(name), type, DnsQuestion.ClassIn)],
        Opt = edns ? DnsMessageWriter.MakeOpt(1232) : null,
    };

    public static byte[] Bytes(string name, DnsType type = DnsType.A, ushort id = 0x1234, bool edns = false) =>
        DnsMessageWriter.Write(Message(name, type, id, edns));

    /// <summary>An upstream's answer to <paramref name="query"/>: its question's name at <paramref name="address"/>.</summary>
    public static byte[] AnswerTo(DnsMessage query, IPAddress address, uint ttl = 60) => DnsMessageWriter.Write(new DnsMessage
    {
        Id = query.Id,
        Flags = 0x8180,
        Questions = query.Questions,
        Answers = [DnsRecord.ForAddress(query.Questions[0].Name, address, ttl)],
    });

    public static DnsMessage Parse(byte[]? bytes)
    {
        Assert.NotNull(bytes);
        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(bytes, out var message));
        return message!;
    }

    /// <summary>One UDP exchange; null if no answer within <paramref name="timeout"/>.</summary>
    public static async Task<DnsMessage?> UdpAsync(IPEndPoint server, byte[] query, TimeSpan? timeout = null)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server);
        await socket.SendAsync(query);
        var buffer = new byte[65535];
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        try
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return Parse(buffer[..n]);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return null; // nothing listens (yet): the port-unreachable error surfaces on the connected socket
        }
    }

    /// <summary>One or more TCP exchanges on one connection.</summary>
    public static async Task<List<DnsMessage>> TcpAsync(IPEndPoint server, params byte[][] queries)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(server, cts.Token);
        var answers = new List<DnsMessage>();
        foreach (var query in queries)
        {
            var framed = new byte[query.Length + 2];
            framed[0] = (byte)(query.Length >> 8);
            framed[1] = (byte)query.Length;
            query.CopyTo(framed, 2);
            await socket.SendAsync(framed, SocketFlags.None, cts.Token);
            var length = new byte[2];
            await ReadExactly(socket, length, cts.Token);
            var body = new byte[(length[0] << 8) | length[1]];
            await ReadExactly(socket, body, cts.Token);
            answers.Add(Parse(body));
        }
        return answers;
    }

    static async Task ReadExactly(Socket socket, Memory<byte> buffer, CancellationToken token)
    {
        while (buffer.Length > 0)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
            if (n == 0) throw new IOException("closed");
            buffer = buffer[n..];
        }
    }

    public static IEnumerable<IPAddress> Addresses(DnsMessage message) => message.Answers.Select(r => r.Address).OfType<IPAddress>();

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(10);
        }
        return condition();
    }
}

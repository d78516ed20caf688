using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Upstream;

/// <summary>
/// TCP connections to upstreams, kept open and reused for later queries (RFC 7766 allows several
/// queries per connection). A connection that fails is dropped; an idle one the upstream closed is
/// noticed on reuse and replaced once.
/// </summary>
sealed class TcpConnectionPool : IDisposable
{
    const int MaxIdlePerUpstream = 8;
    readonly ConcurrentDictionary<IPEndPoint, ConcurrentBag<Socket>> _idle = new();
    volatile bool _disposed;

    public async Task<DnsMessage> QueryAsync(IPEndPoint upstream, DnsMessage query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var bag = _idle.GetOrAdd(upstream, _ => []);
        while (bag.TryTake(out var reused))
        {
            try
            {
                return await ExchangeAsync(reused, upstream, query, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidDataException)
            {
                reused.Dispose(); // closed by the upstream while idle: try the next or a fresh one
            }
        }
        var socket = new Socket(upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(upstream, deadline.Token).ConfigureAwait(false);
            return await ExchangeAsync(socket, upstream, query, deadline.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    async Task<DnsMessage> ExchangeAsync(Socket socket, IPEndPoint upstream, DnsMessage query, CancellationToken cancellationToken)
    {
        var question = query.Questions[0];
        query.Id = (ushort)System.Security.Cryptography.RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
        var body = DnsMessageWriter.Write(query);
        var framed = new byte[body.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)body.Length);
        body.CopyTo(framed, 2);
        bool healthy = false;
        try
        {
            await socket.SendAsync(framed, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            var lengthBytes = new byte[2];
            await ReadExactlyAsync(socket, lengthBytes, cancellationToken).ConfigureAwait(false);
            int length = BinaryPrimitives.ReadUInt16BigEndian(lengthBytes);
            var buffer = new byte[length];
            await ReadExactlyAsync(socket, buffer, cancellationToken).ConfigureAwait(false);
            if (DnsMessageReader.TryParse(buffer, out var answer) != DnsParseError.None)
                throw new InvalidDataException($"{upstream} sent a malformed answer over TCP");
            if (!answer!.IsResponse || answer.Id != query.Id || answer.Questions.Count != 1 || !UdpChannel.SameQuestion(answer.Questions[0], question))
                throw new InvalidDataException($"{upstream} answered another question over TCP");
            healthy = true;
            return answer;
        }
        finally
        {
            if (healthy && !_disposed && _idle.TryGetValue(upstream, out var bag) && bag.Count < MaxIdlePerUpstream) bag.Add(socket);
            else socket.Dispose();
        }
    }

    static async Task ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new IOException("the upstream closed the connection");
            buffer = buffer[n..];
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var bag in _idle.Values)
        {
            while (bag.TryTake(out var socket)) socket.Dispose();
        }
    }
}

using System.Buffers.Binary;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Netfence.Dns.Serving;

public sealed partial class DnsServer
{
    async Task TcpAcceptLoopAsync(Listener listener)
    {
        var token = listener.Stop.Token;
        var connections = new List<Task>();
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.Tcp.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException e)
            {
                _logger.LogDebug(e, "attachment {Id}: TCP accept error", listener.Attachment.Id);
                continue;
            }
            if (Interlocked.Increment(ref listener.TcpConnections) > _options.MaxTcpConnectionsPerAttachment)
            {
                Interlocked.Decrement(ref listener.TcpConnections);
                listener.Attachment.Counters.CountOverloaded();
                client.Dispose();
                continue;
            }
            connections.RemoveAll(t => t.IsCompleted);
            connections.Add(ServeConnectionAsync(listener, client, token));
        }
        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    // Queries on one connection are answered in order (RFC 7766 allows several per connection); the
    // connection closes after TcpIdleTimeout without a complete query, on bad framing, or on shutdown.
    async Task ServeConnectionAsync(Listener listener, Socket client, CancellationToken token)
    {
        await Task.Yield();
        var attachment = listener.Attachment;
        var lengthBytes = new byte[2];
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(token);
        try
        {
            while (true)
            {
                idle.CancelAfter(_options.TcpIdleTimeout);
                if (!await ReadExactlyAsync(client, lengthBytes, idle.Token).ConfigureAwait(false)) return;
                int length = BinaryPrimitives.ReadUInt16BigEndian(lengthBytes);
                if (length == 0)
                {
                    attachment.Counters.CountMalformed();
                    return;
                }
                // Sized per message, not per connection: idle connections hold no large buffer.
                var buffer = new byte[length];
                if (!await ReadExactlyAsync(client, buffer, idle.Token).ConfigureAwait(false)) return;
                idle.CancelAfter(Timeout.InfiniteTimeSpan);
                var response = await attachment.HandleCoreAsync(buffer, Transport.Tcp, token).ConfigureAwait(false);
                if (response is null) return; // not a query: nothing sensible to say on this connection
                var framed = new byte[response.Length + 2];
                BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)response.Length);
                response.CopyTo(framed, 2);
                await client.SendAsync(framed, SocketFlags.None, token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Idle timeout, shutdown or a client that went away.
        }
        catch (Exception e)
        {
            attachment.Counters.CountInternalError();
            _logger.LogError(e, "attachment {Id}: TCP connection failed", attachment.Id);
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref listener.TcpConnections);
        }
    }

    static async Task<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken token)
    {
        while (buffer.Length > 0)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false);
            if (n == 0) return false;
            buffer = buffer[n..];
        }
        return true;
    }
}

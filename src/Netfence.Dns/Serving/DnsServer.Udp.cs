using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Netfence.Dns.Serving;

public sealed partial class DnsServer
{
    /// <summary>The longest UDP query read.</summary>
    public const int MaxUdpQuery = 4096;

    // One receive at a time per attachment; each datagram is answered by its own continuation, at most
    // MaxInFlightPerAttachment at once. Above that, datagrams are dropped (the client retries), so a
    // flooding workload loses its own queries and nobody else's.
    async Task UdpLoopAsync(Listener listener)
    {
        var attachment = listener.Attachment;
        // Queries are small; a 64 KiB buffer per attachment would cost 640 MiB at 10,000 attachments.
        // A longer datagram arrives cut and is answered FORMERR.
        var buffer = GC.AllocateUninitializedArray<byte>(MaxUdpQuery, pinned: true);
        var from = new SocketAddress(listener.Udp.AddressFamily);
        var token = listener.Stop.Token;
        while (!token.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await listener.Udp.ReceiveFromAsync(buffer, SocketFlags.None, from, token).ConfigureAwait(false);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                _logger.LogDebug(e, "attachment {Id}: UDP receive error", attachment.Id);
                continue;
            }
            if (!attachment.TryEnter())
            {
                attachment.Counters.CountReceived();
                continue;
            }
            try
            {
                // The packet is parsed (copied) before HandleAsync first yields, so the buffer can be reused.
                var pending = attachment.HandleAsync(buffer.AsMemory(0, length), Transport.Udp, token);
                if (pending.IsCompletedSuccessfully)
                {
                    var response = pending.Result;
                    attachment.Exit();
                    if (response is not null) Send(listener, response, from);
                }
                else
                {
                    var replyTo = new SocketAddress(from.Family, from.Size);
                    from.Buffer.CopyTo(replyTo.Buffer);
                    _ = CompleteAsync(listener, pending, replyTo, token);
                }
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                attachment.Counters.CountInternalError();
                _logger.LogError(e, "attachment {Id}: UDP query handling failed", attachment.Id);
            }
        }
    }

    async Task CompleteAsync(Listener listener, ValueTask<byte[]?> pending, SocketAddress replyTo, CancellationToken token)
    {
        try
        {
            var response = await pending.ConfigureAwait(false);
            if (response is not null) Send(listener, response, replyTo);
        }
        catch (Exception e) when (!token.IsCancellationRequested)
        {
            listener.Attachment.Counters.CountInternalError();
            _logger.LogError(e, "attachment {Id}: UDP query handling failed", listener.Attachment.Id);
        }
        catch (Exception)
        {
            // Shutting down.
        }
        finally
        {
            listener.Attachment.Exit();
        }
    }

    // A synchronous sendto: a UDP send does not wait for the peer, answers are sent from several threads at once (the
    // receive loop and the upstream receivers that complete queries), and SendToAsync with a SocketAddress was seen
    // to throw NullReferenceException inside the runtime under such concurrent use on .NET 10.
    void Send(Listener listener, byte[] response, SocketAddress to)
    {
        try
        {
            listener.Udp.SendTo(response, SocketFlags.None, to);
        }
        catch (SocketException e)
        {
            // A full send buffer or an unreachable client is the client's problem, not the server's.
            _logger.LogDebug(e, "attachment {Id}: UDP send failed", listener.Attachment.Id);
        }
        catch (ObjectDisposedException)
        {
            // The attachment closed while this answer was being prepared.
        }
    }
}

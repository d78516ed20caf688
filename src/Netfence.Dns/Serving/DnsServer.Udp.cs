using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Netfence.Dns.EventLoops;

namespace Netfence.Dns.Serving;

public sealed partial class DnsServer
{
    /// <summary>The longest UDP query read.</summary>
    public const int MaxUdpQuery = DatagramBatch.MaxDatagram;

    /// <summary>
    /// An attachment's UDP socket as its event loop sees it. Datagrams are handled on the loop's thread as they are
    /// read: an answer ready at once (cache hit, refusal, FORMERR) is queued and the batch's answers leave in one
    /// <c>sendmmsg</c>; a query that waits (upstream, allowlist write, control plane) is finished by whoever completes
    /// it, at most <see cref="DnsServerOptions.MaxInFlightPerAttachment"/> at once. Above that, datagrams are dropped
    /// (the client retries), so a flooding workload loses its own queries and nobody else's.
    /// </summary>
    sealed class UdpReceiver(DnsServer server, Listener listener) : IReadable
    {
        public void OnReadable(DatagramBatch batch)
        {
            var attachment = listener.Attachment;
            var token = listener.Stop.Token;
            int fd = listener.UdpFd;
            // Queries are small; a longer datagram arrives cut at MaxUdpQuery and is answered FORMERR.
            int n = batch.Receive(fd);
            if (n < 0)
            {
                server._logger.LogDebug("attachment {Id}: UDP receive failed with errno {Errno}", attachment.Id, -n);
                return;
            }
            for (int i = 0; i < n && !token.IsCancellationRequested; i++)
            {
                if (!attachment.TryEnter())
                {
                    attachment.Counters.CountReceived();
                    continue;
                }
                try
                {
                    // The packet is parsed (copied) before HandleAsync first yields, so the batch's buffer can be reused.
                    var pending = attachment.HandleCoreAsync(batch.Payload(i), Transport.Udp, token);
                    if (pending.IsCompletedSuccessfully)
                    {
                        var response = pending.Result;
                        attachment.Exit();
                        if (response is not null) batch.QueueReply(fd, i, response);
                    }
                    else
                    {
                        _ = server.CompleteAsync(listener, pending, batch.Sender(i).ToArray(), token);
                    }
                }
                catch (Exception e) when (!token.IsCancellationRequested)
                {
                    attachment.Counters.CountInternalError();
                    server._logger.LogError(e, "attachment {Id}: UDP query handling failed", attachment.Id);
                }
            }
            int dropped = batch.Flush(fd);
            if (dropped > 0) server._logger.LogDebug("attachment {Id}: {Count} UDP answers dropped by a full send buffer", attachment.Id, dropped);
        }
    }

    async Task CompleteAsync(Listener listener, ValueTask<byte[]?> pending, byte[] replyTo, CancellationToken token)
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

    // On an event loop's thread (an upstream answer finished the query there) the answer joins the loop's outbox and
    // leaves with the others that batch of upstream answers finished, in one sendmmsg. Elsewhere (a pool worker: the
    // writer or the control plane finished it) a non-blocking sendto. A UDP send does not wait for the peer, and a full
    // send buffer drops the answer as the network could (the client retries).
    void Send(Listener listener, byte[] response, byte[] to)
    {
        if (EventLoop.CurrentOutbox is { } outbox)
        {
            outbox.Queue(listener.Udp.SafeHandle, response, to);
            return;
        }
        bool added = false;
        try
        {
            listener.Udp.SafeHandle.DangerousAddRef(ref added);
            if (!DatagramBatch.SendTo(listener.UdpFd, response, to))
                _logger.LogDebug("attachment {Id}: UDP send failed", listener.Attachment.Id);
        }
        catch (ObjectDisposedException)
        {
            // The attachment closed while this answer was being prepared.
        }
        finally
        {
            if (added) listener.Udp.SafeHandle.DangerousRelease();
        }
    }
}

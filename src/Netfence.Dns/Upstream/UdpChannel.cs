using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Upstream;

/// <summary>
/// One long-lived UDP socket shared by many queries to many upstreams. Each query gets a random id not
/// in flight to the same upstream; an answer is accepted only from that upstream's address, with that
/// id and the same question, so a spoofer must guess id, port and name at once (and a wrong guess
/// leaves the real answer still awaited).
/// </summary>
/// <remarks>
/// Answers are read by a thread of the channel's own, blocked in <c>recvfrom</c>, and the waiting query continues on
/// that thread (filtering, learning, the answer to the client): an answer costs one thread wake-up instead of three
/// (the socket engine's, a pool worker's, and the hand-off of the completion). Only synchronous socket calls are made
/// on this socket, so it stays in blocking mode and outside the socket engine. The same thread expires queries whose
/// upstream did not answer in time (checked at least every <see cref="SweepMilliseconds"/>): a timer per query would
/// wake the runtime's timer thread whenever it became the earliest, which on an idle server is every query.
/// </remarks>
sealed class UdpChannel : IDisposable
{
    // How often the receiver looks for expired queries (the resolution of the upstream timeout) and for Dispose.
    const int SweepMilliseconds = 50;
    readonly Socket _socket;
    readonly ConcurrentDictionary<(ushort Id, SocketAddress From), Pending> _pending = new();
    readonly ConcurrentDictionary<IPEndPoint, SocketAddress> _addresses = new();
    readonly ILogger _logger;
    readonly Thread _receiver;
    volatile bool _stopped;

    sealed record Pending(DnsQuestion Question, TaskCompletionSource<DnsMessage> Answer, long Deadline);

    public UdpChannel(AddressFamily family, ILogger logger)
    {
        _logger = logger;
        _socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = SweepMilliseconds };
        _socket.Bind(new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0));
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "netfence-dns-upstream" };
        _receiver.Start();
    }

    public async Task<DnsMessage> QueryAsync(IPEndPoint upstream, DnsMessage query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var question = query.Questions[0];
        var address = _addresses.GetOrAdd(upstream, static endpoint => endpoint.Serialize());
        // Continuations run on the receiver thread (see remarks), deliberately not asynchronously.
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var pending = new Pending(question, new TaskCompletionSource<DnsMessage>(), deadline);
        (ushort, SocketAddress) key;
        int tries = 0;
        do
        {
            if (++tries > 64) throw new InvalidOperationException($"no free query id towards {upstream}");
            key = ((ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1), address);
        }
        while (!_pending.TryAdd(key, pending));
        try
        {
            query.Id = key.Item1;
            var bytes = DnsMessageWriter.Write(query);
            _socket.SendTo(bytes, SocketFlags.None, address);
            return await pending.Answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    void ReceiveLoop()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(DnsMessageWriter.MaxMessageSize);
        var from = new SocketAddress(_socket.AddressFamily);
        long sweepInterval = Stopwatch.Frequency * SweepMilliseconds / 1000, nextSweep = Stopwatch.GetTimestamp() + sweepInterval;
        while (!_stopped)
        {
            long now = Stopwatch.GetTimestamp();
            if (now >= nextSweep)
            {
                ExpireOverdue(now);
                nextSweep = now + sweepInterval;
            }
            try
            {
                int length = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
                var received = buffer.AsSpan(0, length);
                if (!DnsMessageReader.TryReadHeader(received, out var id, out _)) continue;
                if (!_pending.TryGetValue((id, from), out var pending)) continue;
                if (DnsMessageReader.TryParse(received, out var answer) != DnsParseError.None) continue;
                if (!answer!.IsResponse || answer.Questions.Count != 1 || !SameQuestion(answer.Questions[0], pending.Question)) continue;
                pending.Answer.TrySetResult(answer);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                // The periodic wake-up that lets Dispose stop the thread.
            }
            catch (Exception) when (_stopped)
            {
                return;
            }
            catch (SocketException e)
            {
                // ICMP errors surface here on some kernels; the query concerned times out and fails over.
                _logger.LogDebug(e, "upstream UDP receive error");
            }
            catch (Exception e)
            {
                // A bug in the code that continued on this thread must not end the thread (and the process with it).
                _logger.LogError(e, "upstream UDP receive loop failed");
            }
        }
    }

    void ExpireOverdue(long now)
    {
        foreach (var (_, pending) in _pending)
        {
            if (now >= pending.Deadline) pending.Answer.TrySetException(new TimeoutException());
        }
    }

    internal static bool SameQuestion(DnsQuestion a, DnsQuestion b) => a.Type == b.Type && a.Class == b.Class && a.Name.Equals(b.Name);

    public void Dispose()
    {
        _stopped = true;
        _socket.Dispose();
        _receiver.Join(TimeSpan.FromSeconds(5));
    }
}

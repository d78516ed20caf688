using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using Microsoft.Extensions.Logging;
using Netfence.Dns.EventLoops;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Upstream;

/// <summary>
/// One long-lived UDP socket shared by many queries, to many upstreams or, connected, to one. Each query gets a random id not
/// in flight to the same upstream; an answer is accepted only from that upstream's address, with that
/// id and the same question, so a spoofer must guess id, port and name at once (and a wrong guess
/// leaves the real answer still awaited).
/// </summary>
/// <remarks>
/// Answers are read by an event loop (in batches), and the waiting query continues on the loop's thread (filtering,
/// learning, the answer to the client): an answer costs one thread wake-up instead of three (the socket engine's, a
/// pool worker's, and the hand-off of the completion). A query forwarded from a loop's thread goes out on that loop's
/// channel (<see cref="UpstreamClient"/>), so the query and its answer are one thread's work. Only synchronous socket
/// calls are made on this socket, so it stays outside the runtime's socket engine. The loop also expires queries whose
/// upstream did not answer in time (checked every <see cref="EventLoop.TickMilliseconds"/>): a timer per query would
/// wake the runtime's timer thread whenever it became the earliest, which on an idle server is every query.
/// A connected channel (one upstream) sends without a destination address, so the kernel uses the route it cached at
/// connect instead of looking one up for every datagram, and it drops datagrams from any other source before we see them.
/// </remarks>
sealed class UdpChannel : IReadable, IDisposable
{
    readonly Socket _socket;
    readonly int _fd;
    readonly ConcurrentDictionary<(ushort Id, SocketAddress From), Pending> _pending = new();
    readonly ConcurrentDictionary<IPEndPoint, SocketAddress> _addresses = new();
    readonly ILogger _logger;
    readonly EventLoop _loop;
    readonly ulong _registration;
    readonly Action<long> _expire;
    // The upstream this channel is connected to, if any: its datagrams then go out without an address.
    readonly IPEndPoint? _peer;
    // The sender of the datagram being matched; used on the loop's thread only.
    readonly SocketAddress _from;

    // The query awaiting its answer is what its caller awaits: one object per query, with no Task and no state machine
    // of this channel's. Whoever completes it takes it out of the table first, so a late or second answer finds nothing.
    // Continuations run on the completing thread (the loop's, for an answer), deliberately: see remarks.
    sealed class Pending(DnsQuestion question, long deadline) : IValueTaskSource<DnsMessage>
    {
        ManualResetValueTaskSourceCore<DnsMessage> _core;
        int _completed;

        public DnsQuestion Question { get; } = question;
        public long Deadline { get; } = deadline;
        public (ushort Id, SocketAddress From) Key { get; set; }
        public ValueTask<DnsMessage> Answer => new(this, _core.Version);

        public void Complete(DnsMessage answer)
        {
            if (Interlocked.Exchange(ref _completed, 1) == 0) _core.SetResult(answer);
        }

        public void Fail(Exception error)
        {
            if (Interlocked.Exchange(ref _completed, 1) == 0) _core.SetException(error);
        }

        public DnsMessage GetResult(short token) => _core.GetResult(token);
        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);
        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }

    /// <summary>A channel on <paramref name="loop"/> to any upstream of <paramref name="family"/>, or only to <paramref name="peer"/> (connected).</summary>
    public UdpChannel(AddressFamily family, EventLoop loop, ILogger logger, IPEndPoint? peer = null)
    {
        if (peer is not null && peer.AddressFamily != family) throw new ArgumentException($"{peer} is not of {family}", nameof(peer));
        _logger = logger;
        _loop = loop;
        _peer = peer;
        _from = new SocketAddress(family);
        _socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.Bind(new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0));
            if (peer is not null) _socket.Connect(peer);
            _fd = (int)_socket.SafeHandle.DangerousGetHandle();
            _registration = loop.Add(_socket, this);
            _expire = ExpireOverdue;
            loop.AddTick(_expire);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>The loop that reads this channel's answers.</summary>
    public EventLoop Loop => _loop;

    /// <summary>The upstream this channel is connected to, or null if it sends to any.</summary>
    public IPEndPoint? Peer => _peer;

    /// <summary>
    /// Sends <paramref name="query"/> (with a fresh id) to <paramref name="upstream"/> and waits for its answer, a timeout
    /// (<see cref="TimeoutException"/>), or the channel's end. On a loop's thread the datagram is queued in the loop's
    /// <see cref="Outbox"/> and leaves with the batch's other forwarded queries; a send the kernel refuses then surfaces
    /// as the timeout (and failover) a lost datagram would give. <paramref name="cancellationToken"/> is checked before
    /// sending only: a registration per query would cost more than the query, and a query already sent ends within its
    /// timeout anyway.
    /// </summary>
    public ValueTask<DnsMessage> QueryAsync(IPEndPoint upstream, DnsMessage query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_peer is not null && !_peer.Equals(upstream)) throw new ArgumentException($"this channel is connected to {_peer}, not {upstream}", nameof(upstream));
        var question = query.Questions[0];
        var address = _addresses.GetOrAdd(upstream, static endpoint => endpoint.Serialize());
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var pending = new Pending(question, deadline);
        (ushort, SocketAddress) key;
        int tries = 0;
        do
        {
            if (++tries > 64) throw new InvalidOperationException($"no free query id towards {upstream}");
            key = (QueryIds.Next(), address);
        }
        while (!_pending.TryAdd(key, pending));
        pending.Key = key;
        try
        {
            query.Id = key.Item1;
            Send(query, address);
        }
        catch
        {
            _pending.TryRemove(key, out _);
            throw;
        }
        return pending.Answer;
    }

    // Takes the query out of the table and ends it; false if someone else already took it.
    bool TryTake(Pending pending) => _pending.TryRemove(new KeyValuePair<(ushort, SocketAddress), Pending>(pending.Key, pending));

    // The buffer is written before it is read (only the octets TryWrite wrote are sent): zeroing its 4.6 KB on every
    // forwarded query was most of this thread's memset time.
    [System.Runtime.CompilerServices.SkipLocalsInit]
    void Send(DnsMessage query, SocketAddress address)
    {
        // A query is the client's question and OPT record (a UDP query is at most 4,096 octets): it fits the stack.
        Span<byte> buffer = stackalloc byte[DatagramBatch.MaxDatagram + 512];
        int length = DnsMessageWriter.TryWrite(query, buffer);
        var bytes = length >= 0 ? buffer[..length] : DnsMessageWriter.Write(query);
        if (EventLoop.CurrentOutbox is { } outbox)
        {
            // Connected: no address, or the kernel would look the route up again for it.
            if (!outbox.Queue(_socket.SafeHandle, bytes, _peer is null ? address.Buffer.Span[..address.Size] : default))
                throw new ObjectDisposedException(nameof(UdpChannel), "the upstream socket is closed");
        }
        else if (_peer is null)
        {
            _socket.SendTo(bytes, SocketFlags.None, address);
        }
        else
        {
            _socket.Send(bytes, SocketFlags.None);
        }
    }

    public void OnReadable(DatagramBatch batch)
    {
        int n = batch.Receive(_fd);
        if (n < 0)
        {
            // ICMP errors surface here on some kernels; the query concerned times out and fails over.
            _logger.LogDebug("upstream UDP receive failed with errno {Errno}", -n);
            return;
        }
        for (int i = 0; i < n; i++)
        {
            try
            {
                var received = batch.Payload(i).Span;
                var sender = batch.Sender(i);
                if (sender.Length != _from.Size || !DnsMessageReader.TryReadHeader(received, out var id, out _)) continue;
                sender.CopyTo(_from.Buffer.Span);
                if (!_pending.TryGetValue((id, _from), out var pending)) continue;
                // Kept as received too: an answer passed on whole is sent as its own octets, patched (ForwardedAnswer).
                if (DnsMessageReader.TryParse(received, out var answer, keepWire: true, pending.Question) != DnsParseError.None) continue;
                if (!answer!.IsResponse || answer.Questions.Count != 1 || !SameQuestion(answer.Questions[0], pending.Question)) continue;
                if (TryTake(pending)) pending.Complete(answer);
            }
            catch (Exception e)
            {
                // A bug in the code that continued on this thread must not stop the other answers of the batch.
                _logger.LogError(e, "handling an upstream UDP answer failed");
            }
        }
    }

    void ExpireOverdue(long now)
    {
        foreach (var (_, pending) in _pending)
        {
            if (now >= pending.Deadline && TryTake(pending)) pending.Fail(new TimeoutException());
        }
    }

    internal static bool SameQuestion(DnsQuestion a, DnsQuestion b) => a.Type == b.Type && a.Class == b.Class && a.Name.Equals(b.Name);

    public void Dispose()
    {
        _loop.RemoveTick(_expire);
        _loop.Remove(_registration);
        _socket.Dispose();
        foreach (var (_, pending) in _pending)
        {
            if (TryTake(pending)) pending.Fail(new ObjectDisposedException(nameof(UdpChannel), "the DNS server is stopping"));
        }
    }
}

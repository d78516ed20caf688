using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Netfence.Dns.EventLoops;
using Netfence.Dns.Learning;
using Netfence.Dns.Proxy;
using Netfence.Dns.Upstream;

namespace Netfence.Dns.Serving;

/// <summary>
/// Every attachment's DNS server in one process. Each attachment has its own UDP socket and TCP
/// listener on its own endpoint. The UDP sockets are spread over a few event loops of the server's own (threads in
/// <c>epoll_wait</c>, no thread per attachment), which answer what they can where they woke; TCP listeners run on the
/// runtime's socket engine; upstream sockets are shared by all. Work is bounded per attachment
/// (<see cref="DnsServerOptions.MaxInFlightPerAttachment"/>, the rate limit and the TCP connection cap),
/// so one flooding workload cannot starve the others (pitfall 21).
/// </summary>
public sealed partial class DnsServer : IAsyncDisposable
{
    readonly DnsServerOptions _options;
    readonly IAllowlistWriter _writer;
    readonly IDnsControlPlane? _controlPlane;
    readonly ILogger _logger;
    readonly TimeProvider _time;
    readonly UpstreamClient _upstreams;
    readonly ConcurrentDictionary<string, Listener> _listeners = new(StringComparer.Ordinal);
    readonly CancellationTokenSource _stop = new();
    readonly EventLoop[] _loops;
    int _nextLoop;

    /// <summary>Creates the server; attachments are added with <see cref="OpenAsync"/>.</summary>
    public DnsServer(DnsServerOptions options, IAllowlistWriter writer, IDnsControlPlane? controlPlane = null,
        ILogger<DnsServer>? logger = null, TimeProvider? time = null)
    {
        _options = options;
        _writer = writer;
        _controlPlane = controlPlane;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        // One loop per core, at most four: a loop is one thread, and more threads than cores only take turns.
        _loops = [.. Enumerable.Range(0, Math.Clamp(Environment.ProcessorCount, 1, 4)).Select(i => new EventLoop($"netfence-dns-{i}", _logger, options.BusyPoll))];
        try
        {
            _upstreams = new UpstreamClient(options.UpstreamTimeout, _loops, _logger);
        }
        catch
        {
            foreach (var loop in _loops) loop.Dispose();
            throw;
        }
    }

    /// <summary>The attachment with <paramref name="id"/>, if open.</summary>
    public DnsAttachment? Find(string id) => _listeners.TryGetValue(id, out var listener) ? listener.Attachment : null;

    /// <summary>Number of open attachments.</summary>
    public int Count => _listeners.Count;

    /// <summary>
    /// Binds UDP and TCP on <paramref name="endpoint"/> (port 0 picks a port free for both) and starts
    /// serving. The attachment refuses every query until <see cref="DnsAttachment.ConfigureAsync"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The id is already open.</exception>
    /// <exception cref="SocketException">The endpoint cannot be bound.</exception>
    public Task<DnsAttachment> OpenAsync(string id, IPEndPoint endpoint)
    {
        var attachment = new DnsAttachment(id, _options, _writer, _controlPlane, _upstreams, _logger, _time);
        var (udp, tcp) = Bind(endpoint);
        attachment.Endpoint = (IPEndPoint)udp.LocalEndPoint!;
        var loop = _loops[(int)((uint)Interlocked.Increment(ref _nextLoop) % (uint)_loops.Length)];
        var listener = new Listener(attachment, udp, tcp, loop, CancellationTokenSource.CreateLinkedTokenSource(_stop.Token));
        if (!_listeners.TryAdd(id, listener))
        {
            udp.Dispose();
            tcp.Dispose();
            throw new InvalidOperationException($"attachment '{id}' already has a DNS server");
        }
        try
        {
            listener.UdpRegistration = loop.Add(udp, new UdpReceiver(this, listener));
        }
        catch
        {
            _listeners.TryRemove(id, out _);
            listener.Stop.Dispose();
            udp.Dispose();
            tcp.Dispose();
            throw;
        }
        listener.Loops = Task.Run(() => TcpAcceptLoopAsync(listener));
        return Task.FromResult(attachment);
    }

    /// <summary>Stops serving <paramref name="id"/>; learned IPs stay for the caller to remove with the attachment's maps.</summary>
    public async Task CloseAsync(string id)
    {
        if (!_listeners.TryRemove(id, out var listener)) return;
        await listener.StopAsync().ConfigureAwait(false);
    }

    /// <summary>Sweeps expired learned IPs of every attachment (call periodically).</summary>
    public async Task SweepAsync(CancellationToken cancellationToken = default)
    {
        foreach (var listener in _listeners.Values)
        {
            var result = await listener.Attachment.SweepAsync(cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded) _logger.LogWarning("attachment {Id}: removing expired IPs failed: {Failure}", listener.Attachment.Id, result.Failure);
        }
    }

    static (Socket Udp, Socket Tcp) Bind(IPEndPoint endpoint)
    {
        for (int attempt = 0; ; attempt++)
        {
            var udp = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            var tcp = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                udp.Bind(endpoint);
                int port = ((IPEndPoint)udp.LocalEndPoint!).Port;
                tcp.Bind(new IPEndPoint(endpoint.Address, port));
                tcp.Listen(128);
                return (udp, tcp);
            }
            catch (SocketException e) when (endpoint.Port == 0 && e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 16)
            {
                udp.Dispose();
                tcp.Dispose();
            }
            catch
            {
                udp.Dispose();
                tcp.Dispose();
                throw;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        foreach (var id in _listeners.Keys.ToList()) await CloseAsync(id).ConfigureAwait(false);
        _upstreams.Dispose();
        foreach (var loop in _loops) loop.Dispose();
        _stop.Dispose();
    }

    sealed class Listener(DnsAttachment attachment, Socket udp, Socket tcp, EventLoop loop, CancellationTokenSource stop)
    {
        public DnsAttachment Attachment { get; } = attachment;
        public Socket Udp { get; } = udp;
        // Read once: the socket's handle stays open (and the number its own) until Udp is disposed.
        public int UdpFd { get; } = (int)udp.SafeHandle.DangerousGetHandle();
        public ulong UdpRegistration { get; set; }
        public Socket Tcp { get; } = tcp;
        public CancellationTokenSource Stop { get; } = stop;
        public Task Loops { get; set; } = Task.CompletedTask;
        public int TcpConnections;

        public async Task StopAsync()
        {
            Stop.Cancel();
            loop.Remove(UdpRegistration);
            Udp.Dispose();
            Tcp.Dispose();
            await Loops.ConfigureAwait(false);
            Stop.Dispose();
        }
    }
}

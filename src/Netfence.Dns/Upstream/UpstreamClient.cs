using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Netfence.Dns.EventLoops;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Upstream;

/// <summary>
/// Sends queries to upstream resolvers for every attachment of the process over a few shared UDP
/// sockets and a pool of TCP connections (never a socket per query, pitfall 21): on each event loop one socket
/// connected to each upstream, made when a query first goes there (up to <see cref="MaxConnectedPerLoop"/> upstreams;
/// past them, and off the loops, one unconnected socket per loop and address family). The upstreams of one
/// query are tried in order; a timeout, a network error, SERVFAIL or REFUSED moves on to the next;
/// when all fail the query fails (the client gets SERVFAIL).
/// </summary>
internal sealed class UpstreamClient : IDisposable
{
    /// <summary>Upstreams one loop gets a connected socket to; a policy naming more shares the loop's unconnected one.</summary>
    public const int MaxConnectedPerLoop = 64;

    readonly UdpChannel[] _v4;
    readonly UdpChannel[] _v6;
    // Per loop, by upstream: read and filled on that loop's thread only (filled under its lock, which Dispose takes).
    readonly Dictionary<EventLoop, Dictionary<IPEndPoint, UdpChannel>> _connected = [];
    volatile bool _disposed;
    readonly TcpConnectionPool _tcp = new();
    readonly TimeSpan _attemptTimeout;
    readonly ILogger _logger;
    int _next;

    /// <summary>Opens a socket per address family on each of <paramref name="loops"/>, which read their answers.</summary>
    public UpstreamClient(TimeSpan attemptTimeout, IReadOnlyList<EventLoop> loops, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(loops.Count, 1);
        _attemptTimeout = attemptTimeout;
        _logger = logger ?? NullLogger.Instance;
        var v4 = new List<UdpChannel>();
        var v6 = new List<UdpChannel>();
        try
        {
            foreach (var loop in loops)
            {
                v4.Add(new UdpChannel(AddressFamily.InterNetwork, loop, _logger));
                if (Socket.OSSupportsIPv6) v6.Add(new UdpChannel(AddressFamily.InterNetworkV6, loop, _logger));
            }
        }
        catch
        {
            foreach (var channel in v4.Concat(v6)) channel.Dispose();
            throw;
        }
        _v4 = [.. v4];
        _v6 = [.. v6];
        foreach (var loop in loops) _connected[loop] = [];
    }

    /// <summary>
    /// Resolves <paramref name="query"/> (its id is replaced per attempt) over UDP, or over TCP when
    /// <paramref name="overTcp"/> (the client asked over TCP, typically after a truncated answer).
    /// </summary>
    public async Task<UpstreamResult> QueryAsync(IReadOnlyList<IPEndPoint> upstreams, DnsMessage query, bool overTcp, CancellationToken cancellationToken)
    {
        if (upstreams.Count == 0) return new UpstreamResult(null, "no upstream servers are configured");
        string failure = "";
        // Indexed, not foreach: the list's enumerator through the interface would be an allocation per query.
        for (int i = 0; i < upstreams.Count; i++)
        {
            var upstream = upstreams[i];
            try
            {
                var answer = overTcp
                    ? await _tcp.QueryAsync(upstream, query, _attemptTimeout, cancellationToken).ConfigureAwait(false)
                    : await Channel(upstream).QueryAsync(upstream, query, _attemptTimeout, cancellationToken).ConfigureAwait(false);
                if (answer.Rcode is DnsRcode.ServFail or DnsRcode.Refused)
                {
                    failure = $"{upstream} answered {answer.Rcode}";
                    continue;
                }
                return new UpstreamResult(answer, null);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException or SocketException or IOException or InvalidDataException or InvalidOperationException)
            {
                failure = $"{upstream}: {(e is TimeoutException or OperationCanceledException ? $"no answer within {_attemptTimeout.TotalMilliseconds:0} ms" : e.Message)}";
                _logger.LogDebug("upstream {Upstream} failed: {Failure}", upstream, failure);
            }
        }
        return new UpstreamResult(null, failure);
    }

    UdpChannel Channel(IPEndPoint upstream)
    {
        var channels = upstream.AddressFamily == AddressFamily.InterNetwork ? _v4 : _v6;
        if (channels.Length == 0) throw new InvalidOperationException($"IPv6 is not available to reach {upstream}");
        // On a loop's thread (a UDP query being handled), its own channel: the answer wakes this thread, no other.
        if (EventLoop.Current is { } current && _connected.TryGetValue(current, out var connected))
        {
            if (connected.TryGetValue(upstream, out var channel)) return channel;
            if (connected.Count < MaxConnectedPerLoop && !_disposed && Connect(current, upstream) is { } made)
            {
                // Under the lock Dispose takes, so a channel is either disposed with the others or never kept.
                lock (connected)
                {
                    if (!_disposed)
                    {
                        connected[upstream] = made;
                        return made;
                    }
                }
                made.Dispose();
            }
            foreach (var shared in channels)
            {
                if (shared.Loop == current) return shared;
            }
        }
        return channels[(int)((uint)Interlocked.Increment(ref _next) % (uint)channels.Length)];
    }

    UdpChannel? Connect(EventLoop loop, IPEndPoint upstream)
    {
        try
        {
            return new UdpChannel(upstream.AddressFamily, loop, _logger, upstream);
        }
        catch (SocketException e)
        {
            // Out of descriptors, or no route: the shared socket serves it, and reports what the network says.
            _logger.LogDebug("no connected socket to upstream {Upstream}: {Error}", upstream, e.Message);
            return null;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        foreach (var (_, byUpstream) in _connected)
        {
            UdpChannel[] channels;
            lock (byUpstream) channels = [.. byUpstream.Values];
            foreach (var channel in channels) channel.Dispose();
        }
        foreach (var channel in _v4) channel.Dispose();
        foreach (var channel in _v6) channel.Dispose();
        _tcp.Dispose();
    }
}

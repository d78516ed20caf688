using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Upstream;

/// <summary>
/// Sends queries to upstream resolvers for every attachment of the process over a few shared UDP
/// sockets and a pool of TCP connections (never a socket per query, pitfall 21). The upstreams of one
/// query are tried in order; a timeout, a network error, SERVFAIL or REFUSED moves on to the next;
/// when all fail the query fails (the client gets SERVFAIL).
/// </summary>
public sealed class UpstreamClient : IDisposable
{
    readonly UdpChannel[] _v4;
    readonly UdpChannel[] _v6;
    readonly TcpConnectionPool _tcp = new();
    readonly TimeSpan _attemptTimeout;
    readonly ILogger _logger;
    int _next;

    /// <summary>Opens <paramref name="udpSockets"/> sockets per address family.</summary>
    public UpstreamClient(TimeSpan attemptTimeout, int udpSockets = 4, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(udpSockets, 1);
        _attemptTimeout = attemptTimeout;
        _logger = logger ?? NullLogger.Instance;
        _v4 = [.. Enumerable.Range(0, udpSockets).Select(_ => new UdpChannel(AddressFamily.InterNetwork, _logger))];
        _v6 = Socket.OSSupportsIPv6 ? [.. Enumerable.Range(0, udpSockets).Select(_ => new UdpChannel(AddressFamily.InterNetworkV6, _logger))] : [];
    }

    /// <summary>
    /// Resolves <paramref name="query"/> (its id is replaced per attempt) over UDP, or over TCP when
    /// <paramref name="overTcp"/> (the client asked over TCP, typically after a truncated answer).
    /// </summary>
    public async Task<UpstreamResult> QueryAsync(IReadOnlyList<IPEndPoint> upstreams, DnsMessage query, bool overTcp, CancellationToken cancellationToken)
    {
        if (upstreams.Count == 0) return new UpstreamResult(null, "no upstream servers are configured");
        string failure = "";
        foreach (var upstream in upstreams)
        {
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
        return channels[(int)((uint)Interlocked.Increment(ref _next) % (uint)channels.Length)];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var channel in _v4) channel.Dispose();
        foreach (var channel in _v6) channel.Dispose();
        _tcp.Dispose();
    }
}

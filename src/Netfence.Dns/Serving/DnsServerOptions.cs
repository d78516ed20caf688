using System.Collections.Immutable;
using System.Net;
using Netfence.Daemon.Configuration;
using Netfence.Dns.Learning;

namespace Netfence.Dns.Serving;

/// <summary>Settings shared by every attachment's DNS server.</summary>
public sealed record DnsServerOptions
{
    /// <summary>Life of learned IPs.</summary>
    public LearnedTtl Ttl { get; init; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), TimeSpan.FromSeconds(30));

    /// <summary>The answer to a blocked name.</summary>
    public BlockedRcode BlockedRcode { get; init; } = BlockedRcode.Refused;

    /// <summary>Strip and do not learn internal addresses in answers for allowed names (pitfall 18).</summary>
    public bool RebindingProtection { get; init; } = true;

    /// <summary>Upstreams for attachments whose DNS config names none.</summary>
    public ImmutableArray<IPEndPoint> DefaultUpstreams { get; init; } = [];

    /// <summary>Queries per second one attachment may send (the bucket holds one second's worth).</summary>
    public int QueriesPerSecond { get; init; } = 1000;

    /// <summary>Queries of one attachment being worked on at once; more UDP queries are dropped (pitfall 21).</summary>
    public int MaxInFlightPerAttachment { get; init; } = 64;

    /// <summary>Open TCP connections per attachment; more are closed at once.</summary>
    public int MaxTcpConnectionsPerAttachment { get; init; } = 16;

    /// <summary>The longest query name answered (presentation form, no trailing dot); longer names are blocked (pitfall 19).</summary>
    public int MaxNameLength { get; init; } = 253;

    /// <summary>A TCP connection with no complete query for this long is closed.</summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one upstream gets before the next is tried.</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the control plane gets to decide a query in proxy mode.</summary>
    public TimeSpan ControlPlaneTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most distinct addresses one answer may teach (and hand to the client): address records past it are
    /// removed from the answer, so the client never picks an address the kernel was not taught.
    /// </summary>
    public int MaxIpsPerName { get; init; } = 64;

    /// <summary>Answers cached per attachment; 0 turns the cache off.</summary>
    public int CacheEntriesPerAttachment { get; init; } = 1024;

    /// <summary>The largest UDP answer sent, whatever the client advertises (DNS flag day 2020 value).</summary>
    public int MaxUdpResponse { get; init; } = 1232;

    /// <summary>
    /// How long an event loop keeps polling its sockets after handling datagrams before it sleeps again (zero: it
    /// sleeps at once). A datagram found meanwhile (an upstream's answer, a client's next query) is handled without the
    /// tens of µs a sleeping thread's wake-up costs; a loop with nothing to do does not poll.
    /// </summary>
    public TimeSpan BusyPoll { get; init; } = DnsSettings.DefaultBusyPoll;

    /// <summary>The options a daemon configuration describes.</summary>
    public static DnsServerOptions FromSettings(DnsSettings settings) => new()
    {
        Ttl = new LearnedTtl(settings.TtlMin, settings.TtlMax, settings.TtlGrace),
        BlockedRcode = settings.BlockedRcode,
        RebindingProtection = settings.RebindingProtection,
        DefaultUpstreams = settings.UpstreamServers,
        BusyPoll = settings.BusyPoll,
    };
}

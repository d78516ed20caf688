using System.Collections.Immutable;
using System.Net;

namespace Netfence.Daemon.Configuration;

/// <summary>The per-attachment DNS servers.</summary>
/// <param name="ListenAddress">The default listen address.</param>
/// <param name="PortRangeStart">The first port handed to an attachment.</param>
/// <param name="PortRangeEnd">The last port handed to an attachment (inclusive).</param>
/// <param name="TtlMin">The shortest life of a learned IP.</param>
/// <param name="TtlMax">The longest life of a learned IP.</param>
/// <param name="TtlGrace">Added to every learned IP's life, so a connection opened at the end of the TTL still works.</param>
/// <param name="BlockedRcode">The answer to a blocked name.</param>
/// <param name="RebindingProtection">Whether private and local addresses in answers for public names are refused.</param>
/// <param name="UpstreamServers">Default upstreams; empty means /etc/resolv.conf.</param>
/// <param name="BusyPoll">How long a DNS event loop polls for more datagrams after handling some before it sleeps (zero: never).</param>
public sealed record DnsSettings(
    IPAddress ListenAddress,
    int PortRangeStart,
    int PortRangeEnd,
    TimeSpan TtlMin,
    TimeSpan TtlMax,
    TimeSpan TtlGrace,
    BlockedRcode BlockedRcode,
    bool RebindingProtection,
    ImmutableArray<IPEndPoint> UpstreamServers,
    TimeSpan BusyPoll)
{
    /// <summary>How many attachments can have a DNS server at once.</summary>
    public int PortCount => PortRangeEnd - PortRangeStart + 1;

    /// <summary>The default <see cref="BusyPoll"/>: longer than a wake-up on a quiet host, short enough to be cheap.</summary>
    public static readonly TimeSpan DefaultBusyPoll = TimeSpan.FromMicroseconds(50);

    /// <summary>The longest <see cref="BusyPoll"/> accepted: past it a loop would spin through gaps where sleeping is cheaper.</summary>
    public static readonly TimeSpan MaxBusyPoll = TimeSpan.FromMilliseconds(1);
}

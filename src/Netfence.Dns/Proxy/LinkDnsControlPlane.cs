using Netfence.Daemon.ControlPlane;
using Netfence.Protocol.V1;

namespace Netfence.Dns.Proxy;

/// <summary>
/// Asks the control plane with the unary QueryDns call on the control-plane link's channel (the connection the
/// stream uses), with a gRPC deadline of <paramref name="timeout"/> so the control plane also knows when to stop.
/// While the link is disconnected a query fails at once with <see cref="ControlPlaneUnavailableException"/>, which
/// the DNS server answers with SERVFAIL.
/// </summary>
public sealed class LinkDnsControlPlane(ControlPlaneLink link, TimeSpan timeout) : IDnsControlPlane
{
    /// <inheritdoc/>
    public Task<DnsQueryResponse> QueryDnsAsync(DnsQueryRequest request, CancellationToken cancellationToken) =>
        link.QueryDnsAsync(request, timeout, cancellationToken);
}

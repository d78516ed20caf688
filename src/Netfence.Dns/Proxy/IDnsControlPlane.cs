using Netfence.Protocol.V1;

namespace Netfence.Dns.Proxy;

/// <summary>The control plane's per-query decision in DNS proxy mode (<c>ControlPlane.QueryDns</c>).</summary>
public interface IDnsControlPlane
{
    /// <summary>Asks about one query; any exception means "unavailable" and the query fails closed (SERVFAIL).</summary>
    Task<DnsQueryResponse> QueryDnsAsync(DnsQueryRequest request, CancellationToken cancellationToken);
}

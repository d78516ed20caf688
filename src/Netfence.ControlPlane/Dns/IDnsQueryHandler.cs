namespace Netfence.ControlPlane.Dns;

/// <summary>
/// Decides single DNS queries for attachments in DNS proxy mode (the QueryDns call). Optional: without
/// one the SDK denies every query, and the daemon answers the workload with its blocked response.
/// </summary>
public interface IDnsQueryHandler
{
    /// <summary>The decision for <paramref name="query"/>. A handler that throws denies the query.</summary>
    ValueTask<DnsDecision> DecideAsync(DnsQuery query, CancellationToken cancellationToken);
}

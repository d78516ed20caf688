namespace Netfence.ControlPlane.Dns;

/// <summary>The default: every query is denied, so a proxy-mode attachment without a handler resolves nothing (fail closed).</summary>
public sealed class DenyAllDnsQueryHandler : IDnsQueryHandler
{
    /// <inheritdoc/>
    public ValueTask<DnsDecision> DecideAsync(DnsQuery query, CancellationToken cancellationToken) => ValueTask.FromResult(DnsDecision.Deny);
}

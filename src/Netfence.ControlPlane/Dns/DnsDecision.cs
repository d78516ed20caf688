using System.Net;

namespace Netfence.ControlPlane.Dns;

/// <summary>The answer to a <see cref="DnsQuery"/>.</summary>
/// <param name="Allow">Whether the name may be resolved.</param>
/// <param name="AddToFilter">Whether the answer's addresses are allowed for the attachment (learned, with expiry).</param>
/// <param name="Ips">An override answer; empty means the daemon resolves upstream.</param>
/// <param name="TtlSeconds">The TTL of an override answer or of learned addresses; 0 leaves it to the daemon.</param>
public sealed record DnsDecision(bool Allow, bool AddToFilter, IReadOnlyList<IPAddress> Ips, uint TtlSeconds)
{
    /// <summary>Refuse the name.</summary>
    public static DnsDecision Deny { get; } = new(false, false, [], 0);

    /// <summary>Resolve upstream and let the workload reach the answer's addresses.</summary>
    public static DnsDecision AllowAndLearn(uint ttlSeconds = 0) => new(true, true, [], ttlSeconds);
}

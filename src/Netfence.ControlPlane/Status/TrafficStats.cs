namespace Netfence.ControlPlane.Status;

/// <summary>An attachment's cumulative counters from its daemon's latest heartbeat.</summary>
public sealed record TrafficStats(ulong PacketsAllowed, ulong PacketsBlocked, ulong DnsQueriesAllowed, ulong DnsQueriesBlocked, DateTimeOffset ReceivedAt);

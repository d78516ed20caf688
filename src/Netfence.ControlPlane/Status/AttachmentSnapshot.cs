using Netfence.ControlPlane.Policies;
using Netfence.Policy.Metadata;
using Netfence.Policy.Modes;

namespace Netfence.ControlPlane.Status;

/// <summary>One attachment as the control plane knows it at one moment.</summary>
/// <param name="DaemonId">The daemon holding it.</param>
/// <param name="Id">The attachment's id.</param>
/// <param name="Target">Interface name or cgroup path.</param>
/// <param name="Type">Where the filter is attached.</param>
/// <param name="Metadata">The attachment's labels.</param>
/// <param name="DnsAddress">"ip:port" the workload uses for DNS, as the daemon reported it (empty if none).</param>
/// <param name="ReportedMode">The mode the daemon last reported (Subscribed or SyncRequest).</param>
/// <param name="Desired">What the policy source wants, or null before the first resolution.</param>
/// <param name="ResolveError">Why the latest resolution failed, or null.</param>
/// <param name="SentVersion">The version of the last command sent, or null.</param>
/// <param name="SentAt">When it was sent.</param>
/// <param name="AppliedVersion">The latest version the daemon confirmed (ACK, or <c>rule_version</c> on resync), or null.</param>
/// <param name="LastResult">The daemon's latest CommandResult for this attachment, or null.</param>
/// <param name="Stats">The latest heartbeat counters, or null.</param>
public sealed record AttachmentSnapshot(
    string DaemonId,
    string Id,
    string Target,
    AttachmentType Type,
    AttachmentMetadata Metadata,
    string DnsAddress,
    PolicyMode ReportedMode,
    DesiredState? Desired,
    string? ResolveError,
    string? SentVersion,
    DateTimeOffset? SentAt,
    string? AppliedVersion,
    CommandOutcome? LastResult,
    TrafficStats? Stats)
{
    /// <summary>The desired state's version, or null.</summary>
    public string? DesiredVersion => Desired?.Version;

    /// <summary>How far the desired state has got.</summary>
    public Delivery Delivery =>
        Desired is null ? Delivery.NotSent
        : AppliedVersion == Desired.Version ? Delivery.Applied
        : LastResult is { Accepted: false } r && r.Version == Desired.Version ? Delivery.Rejected
        : SentVersion == Desired.Version ? Delivery.Sent
        : Delivery.NotSent;

    /// <summary>Whether the daemon confirmed that it enforces <paramref name="version"/>.</summary>
    public bool IsEnforcing(string version) => AppliedVersion == version;
}

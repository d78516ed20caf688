using Netfence.Policy.Metadata;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Store;

/// <summary>
/// An attachment with its full rule state, as persisted. <see cref="Target"/> is already canonical
/// (an interface name, or a cgroup path relative to the cgroup2 mount), so (type, target) is unique.
/// </summary>
public sealed record AttachmentRecord(
    string Id,
    AttachmentType Type,
    string Target,
    AttachmentMetadata Metadata,
    DateTimeOffset AttachedAt,
    string DnsAddress,
    string RuleVersion,
    RuleSet Rules);

using Netfence.Policy.Metadata;
using Netfence.Policy.Modes;

namespace Netfence.Daemon.Store;

/// <summary>An attachment without its rule lists: what a List page carries.</summary>
public sealed record AttachmentSummary(
    string Id,
    AttachmentType Type,
    string Target,
    AttachmentMetadata Metadata,
    DateTimeOffset AttachedAt,
    string DnsAddress,
    string RuleVersion,
    PolicyMode Mode,
    DnsMode DnsMode);

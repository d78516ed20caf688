using Netfence.Daemon.Store;

namespace Netfence.Daemon.Attachments;

/// <summary>One attachment of a List page with its live counters.</summary>
public sealed record ListedAttachment(AttachmentSummary Summary, ulong PacketsAllowed, ulong PacketsBlocked, ulong DnsQueriesAllowed, ulong DnsQueriesBlocked);

namespace Netfence.Daemon.Store;

/// <summary>One page of attachments ordered by attach time then id.</summary>
/// <param name="Items">The attachments of this page.</param>
/// <param name="NextPageToken">The token for the next page; empty on the last page.</param>
/// <param name="TotalCount">How many attachments exist in all.</param>
public sealed record AttachmentPage(IReadOnlyList<AttachmentSummary> Items, string NextPageToken, int TotalCount);

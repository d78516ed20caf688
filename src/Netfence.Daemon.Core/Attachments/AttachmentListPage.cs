namespace Netfence.Daemon.Attachments;

/// <summary>One List page.</summary>
public sealed record AttachmentListPage(IReadOnlyList<ListedAttachment> Items, string NextPageToken, int TotalCount);

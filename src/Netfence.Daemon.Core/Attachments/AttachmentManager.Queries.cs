using Netfence.Daemon.Store;
using Netfence.Policy.Validation;

namespace Netfence.Daemon.Attachments;

public sealed partial class AttachmentManager
{
    /// <summary>
    /// One page of attachments in attach-time order (keyset paging: stable while attachments come and go), with live
    /// packet and DNS counters. <paramref name="pageSize"/> 0 means 100; at most 1000.
    /// </summary>
    /// <exception cref="AttachmentException">InvalidArgument for a bad page size or token.</exception>
    public AttachmentListPage List(int pageSize, string pageToken)
    {
        AttachmentPage page;
        try
        {
            page = _store.List(pageSize, pageToken ?? "");
        }
        catch (PolicyValidationException e)
        {
            throw new AttachmentException(AttachmentErrorKind.InvalidArgument, $"{e.Field}: {e.Problem}", e);
        }
        catch (StoreException e)
        {
            throw new AttachmentException(AttachmentErrorKind.Internal, e.Message, e);
        }
        var items = new List<ListedAttachment>(page.Items.Count);
        foreach (var summary in page.Items)
        {
            ulong allowed = 0, blocked = 0, dnsAllowed = 0, dnsBlocked = 0;
            if (_byId.TryGetValue(summary.Id, out var live))
            {
                (allowed, blocked) = _datapath.Counters(live.Target);
                (dnsAllowed, dnsBlocked) = _dns.Counters(summary.Id);
            }
            items.Add(new ListedAttachment(summary, allowed, blocked, dnsAllowed, dnsBlocked));
        }
        return new AttachmentListPage(items, page.NextPageToken, page.TotalCount);
    }
}

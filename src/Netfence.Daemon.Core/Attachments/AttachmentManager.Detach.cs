using Microsoft.Extensions.Logging;
using Netfence.Daemon.Store;
using Proto = Netfence.Protocol.V1;

namespace Netfence.Daemon.Attachments;

public sealed partial class AttachmentManager
{
    /// <summary>Removes an attachment: its filter, pins, map entries, DNS server and stored state; reports DETACHED.</summary>
    /// <exception cref="AttachmentException">NotFound for an unknown id; Internal when the store cannot be written.</exception>
    public async Task DetachAsync(string id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id)) throw new AttachmentException(AttachmentErrorKind.InvalidArgument, "id: the attachment id is empty");
        if (!_byId.TryGetValue(id, out var attachment))
            throw new AttachmentException(AttachmentErrorKind.NotFound, $"id: no attachment '{id}' exists");
        await attachment.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!attachment.Committed || attachment.Ended)
                throw new AttachmentException(AttachmentErrorKind.NotFound, $"id: no attachment '{id}' exists");
            await EndAsync(attachment, Proto.UnsubscribeReason.Detached, null).ConfigureAwait(false);
        }
        finally
        {
            attachment.Gate.Release();
        }
    }

    /// <summary>A watched target vanished: its attachment ends and is reported REMOVED.</summary>
    async Task TargetRemovedAsync(Targets.TargetRemoved removal)
    {
        if (!_byIdentity.TryGetValue(removal.Target, out var attachment)) return;
        await attachment.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!attachment.Committed || attachment.Ended) return;
            _logger.LogInformation("{Target} vanished ({Reason}); removing attachment {Id}", attachment.Target, removal.Reason, attachment.Id);
            await EndAsync(attachment, Proto.UnsubscribeReason.Removed, $"{attachment.Target} vanished: {removal.Reason}").ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "removing attachment {Id} of vanished {Target} failed", attachment.Id, attachment.Target);
        }
        finally
        {
            attachment.Gate.Release();
        }
    }

    // The store goes first: a crash after it leaves pins without an owner, which the next start removes; the other
    // order would leave a stored attachment whose filter the next start would put back.
    async Task EndAsync(LiveAttachment attachment, Proto.UnsubscribeReason reason, string? error)
    {
        try
        {
            _store.Remove(attachment.Id);
        }
        catch (StoreException e)
        {
            throw new AttachmentException(AttachmentErrorKind.Internal, e.Message, e);
        }
        _watcher?.Unwatch(attachment.Target.Identity);
        Forget(attachment);
        try
        {
            _datapath.Remove(attachment.Id, attachment.Target);
        }
        catch (Exception e)
        {
            // The attachment is gone from the store; what remains in the kernel is an orphan the next start removes.
            _logger.LogError(e, "removing the filter of {Id} from {Target} failed; it will be removed at the next start", attachment.Id, attachment.Target);
        }
        await _dns.CloseAsync(attachment.Id).ConfigureAwait(false);
        _ports.Return(attachment.Dns.Port);
        _link?.Unsubscribed(attachment.Id, reason, error);
        _logger.LogInformation("detached {Id} from {Target} ({Reason})", attachment.Id, attachment.Target, reason);
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Netfence.ControlPlane.Policies;

/// <summary>
/// Calls the user's <see cref="IPolicySource"/> with a deadline and turns its failures into a result
/// the callers can act on: a subscribe then blocks the attachment (fail closed), a change leaves it as
/// it was. A source's exception never reaches a daemon's stream.
/// </summary>
sealed class PolicyResolver(IPolicySource source, IOptions<ControlPlaneOptions> options, ILogger<PolicyResolver> logger)
{
    /// <summary>The resolved state, or null with the reason.</summary>
    public async Task<(DesiredState? State, string? Error)> ResolveAsync(AttachmentContext attachment, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.ResolveTimeout);
        try
        {
            var state = await source.ResolveAsync(attachment, deadline.Token).ConfigureAwait(false);
            if (state is null) return (null, Fail(attachment, "the policy source returned no state", null));
            return (state, null);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, Fail(attachment, $"the policy source did not answer within {options.Value.ResolveTimeout.TotalSeconds:0.###} s", null));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, Fail(attachment, $"the policy source failed: {e.Message}", e));
        }
    }

    string Fail(AttachmentContext attachment, string error, Exception? exception)
    {
        logger.LogError(exception, "Cannot resolve the policy of attachment {AttachmentId} ({Target}) on daemon {DaemonId}: {Error}",
            attachment.AttachmentId, attachment.Target, attachment.DaemonId, error);
        return error;
    }
}

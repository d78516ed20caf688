using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Netfence.ControlPlane.Daemons;
using Netfence.ControlPlane.Policies;
using Netfence.ControlPlane.Status;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Planning;

/// <summary>
/// Brings one attachment to its desired state: resolve, compare with what the daemon holds, plan,
/// queue. Each step holds the attachment's gate, so a subscribe answer and a change for the same
/// attachment cannot overtake each other, and a change that arrives during a resolution is resolved
/// again after it rather than lost.
/// </summary>
sealed class Reconciler(PolicyResolver resolver, IOptions<ControlPlaneOptions> options, ILogger<Reconciler> logger)
{
    TimeProvider Clock => options.Value.Clock;

    /// <summary>
    /// Answers a Subscribed with the resolved state. When the source fails the attachment is blocked:
    /// the daemon has already attached the filter and waits for this answer, and an answer that opens
    /// nothing is the only safe one (pitfall 9). The next change for it re-resolves.
    /// </summary>
    public async Task AnswerSubscribedAsync(DaemonSession session, AttachmentState attachment, CancellationToken cancellationToken)
    {
        await attachment.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (state, error) = await resolver.ResolveAsync(attachment.Context, cancellationToken).ConfigureAwait(false);
            if (state is null)
            {
                attachment.ResolveFailed(error!);
                state = DesiredState.BlockAll;
            }
            else
            {
                attachment.Resolved(state);
            }
            var command = new Proto.ControlCommand
            {
                Id = attachment.Context.AttachmentId,
                Version = state.Version,
                SubscribedAck = CommandMessages.SubscribedAck(state),
            };
            if (session.Send(command)) attachment.Sent(state, Clock.GetUtcNow());
        }
        finally
        {
            attachment.Gate.Release();
        }
    }

    /// <summary>Sends the command that makes <paramref name="attachment"/> match its source, if any; returns what was sent.</summary>
    public async Task<PushedUpdate?> ReconcileAsync(DaemonState daemon, AttachmentState attachment, CancellationToken cancellationToken)
    {
        await attachment.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (state, error) = await resolver.ResolveAsync(attachment.Context, cancellationToken).ConfigureAwait(false);
            if (state is null)
            {
                // The daemon keeps enforcing what it has; replacing it with block-all because a source
                // hiccuped would take running workloads offline.
                attachment.ResolveFailed(error!);
                return null;
            }
            attachment.Resolved(state);
            if (attachment.Holds(state)) return null;

            var command = CommandPlanner.Plan(attachment.IncrementalBase(), state);
            if (command is null) return null;
            command.Id = attachment.Context.AttachmentId;
            command.Version = state.Version;
            if (daemon.Session is not { } session || !session.Send(command)) return null;
            attachment.Sent(state, Clock.GetUtcNow());
            var name = CommandMessages.Name(command);
            logger.LogDebug("Sent {Command} version {Version} to attachment {AttachmentId} on daemon {DaemonId}",
                name, state.Version, attachment.Context.AttachmentId, daemon.DaemonId);
            return new PushedUpdate(daemon.DaemonId, attachment.Context.AttachmentId, state.Version, name);
        }
        finally
        {
            attachment.Gate.Release();
        }
    }
}

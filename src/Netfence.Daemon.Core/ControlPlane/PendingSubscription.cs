using Netfence.Protocol.V1;

namespace Netfence.Daemon.ControlPlane;

/// <summary>
/// One SubscribeAsync waiting for its SubscribedAck. Exactly one of three things decides its fate, whichever comes
/// first: the ack arrives (it is then applied even if the caller's timeout fires a moment later), the caller gives
/// up (a late ack is then refused, never applied to a rolled-back attachment), or the stream breaks.
/// </summary>
sealed class PendingSubscription(string id)
{
    const int Waiting = 0, Claimed = 1, Abandoned = 2;

    readonly TaskCompletionSource<ControlCommand> arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource<CommandResult?> applied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int state;

    public string Id { get; } = id;

    /// <summary>Completes with the SubscribedAck command, or fails when the stream breaks first.</summary>
    public Task<ControlCommand> Arrived => arrived.Task;

    /// <summary>Completes with the result of applying the ack, or null when the link stopped before it was applied.</summary>
    public Task<CommandResult?> Applied => applied.Task;

    /// <summary>Claims the subscription for an arriving ack; false when the caller already gave up or the stream broke.</summary>
    public bool TryAccept(ControlCommand ack)
    {
        if (Interlocked.CompareExchange(ref state, Claimed, Waiting) != Waiting) return false;
        arrived.SetResult(ack);
        return true;
    }

    /// <summary>The caller gives up (timeout, cancellation); false when an ack was claimed first and must be awaited.</summary>
    public bool TryAbandon() => Interlocked.CompareExchange(ref state, Abandoned, Waiting) == Waiting;

    /// <summary>Fails a subscription still waiting for its ack (the stream broke).</summary>
    public void Fail(Exception error)
    {
        if (TryAbandon()) arrived.SetException(error);
    }

    public void Complete(CommandResult? result) => applied.TrySetResult(result);
}

using Microsoft.Extensions.Logging;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.ControlPlane;

// The connection's life: connect, sync, serve the stream until it ends, wait, again.
public sealed partial class ControlPlaneLink
{
    long streams;

    async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            SetState(ConnectionState.Connecting, null);
            try
            {
                var reason = await RunStreamAsync(stop).ConfigureAwait(false);
                Failed(reason);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Whatever a control plane does (error status, reset, garbage), the answer is to try again later.
                Failed(e is ProtocolException ? e.Message : LinkStream.Describe(e) + TlsRefusal());
            }
            SetState(ConnectionState.Disconnected, null);
            var delay = backoff.Next();
            logger.LogInformation("Reconnecting to the control plane at {Address} in {Delay} ms", Address, (long)delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        SetState(ConnectionState.Disconnected, null);
    }

    void Failed(string reason)
    {
        lastError = reason;
        logger.LogWarning("Control-plane stream to {Address}: {Reason}", Address, reason);
    }

    string TlsRefusal() => certificateCheck?.LastRefusal is { } refusal ? $" ({refusal})" : "";

    /// <summary>One stream from connect to end; returns why it ended when the control plane ended it cleanly.</summary>
    async Task<string> RunStreamAsync(CancellationToken stop)
    {
        var call = client.Connect(cancellationToken: stop);
        using var stream = new LinkStream(call, Interlocked.Increment(ref streams), Address, stop, logger);
        Task? heartbeats = null;
        try
        {
            await SyncAsync(stream).ConfigureAwait(false);
            SetState(ConnectionState.Connected, stream);
            backoff.Reset();
            heartbeats = SendHeartbeatsAsync(stream);
            _ = FlushUnsubscribedAsync(stream);

            while (await stream.Commands.MoveNext(CancellationToken.None).ConfigureAwait(false))
                await RouteAsync(stream, stream.Commands.Current).ConfigureAwait(false);
            return $"the control plane ended the stream ({stream.StatusText()})";
        }
        finally
        {
            // Disconnected before the stream ends, so a SubscribeAsync that starts now fails at once instead of
            // queueing on a stream whose pending subscriptions are about to be failed.
            SetState(ConnectionState.Disconnected, null);
            stream.End("the link is done with it");
            if (heartbeats is not null) await heartbeats.ConfigureAwait(false);
        }
    }

    /// <summary>Sends SyncRequest with every current attachment and waits for SyncAck, the stream's first command.</summary>
    async Task SyncAsync(LinkStream stream)
    {
        var sync = new SyncRequest { DaemonId = identity.DaemonId, Hostname = identity.Hostname };
        foreach (var (key, value) in identity.Metadata) sync.Metadata[key] = value;
        // The snapshot is taken on every connect, so attachments made or ended while down are reported as they are now.
        sync.Attachments.Add(host.Snapshot());
        await stream.WriteAsync(new DaemonEvent { Sync = sync }).ConfigureAwait(false);

        bool any;
        try
        {
            any = await stream.Commands.MoveNext(CancellationToken.None).WaitAsync(settings.SyncAckTimeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ProtocolException($"no SyncAck within {settings.SyncAckTimeout.TotalSeconds:0.###} s (control_plane.sync_ack_timeout) after a SyncRequest with {sync.Attachments.Count} attachments");
        }
        if (!any)
            throw new ProtocolException($"the control plane ended the stream before SyncAck: {stream.StatusText()}");
        var first = stream.Commands.Current;
        if (first.CommandCase != ControlCommand.CommandOneofCase.SyncAck)
            throw new ProtocolException($"the control plane sent {CommandNames.Of(first)} (for '{first.Id}') before SyncAck; the protocol requires SyncAck first, so the stream was dropped");
        logger.LogInformation("Connected to the control plane at {Address} as daemon {DaemonId}: synced {Count} attachments", Address, identity.DaemonId, sync.Attachments.Count);
    }

    /// <summary>Hands one command to whoever must act on it; a bad command is answered with a NACK and the stream goes on.</summary>
    async Task RouteAsync(LinkStream stream, ControlCommand command)
    {
        switch (command.CommandCase)
        {
            case ControlCommand.CommandOneofCase.SyncAck:
                logger.LogDebug("Ignored a repeated SyncAck on stream {Stream}", stream.Number);
                return;
            case ControlCommand.CommandOneofCase.None:
                await ReplyAsync(stream, CommandResults.Nack(command, "command",
                    "carries no command netfenced knows (the oneof is empty, or holds a kind newer than this daemon)")).ConfigureAwait(false);
                return;
        }
        if (command.Id.Length == 0)
        {
            await ReplyAsync(stream, CommandResults.Nack(command, "id", $"is empty; {CommandNames.Of(command)} must name the attachment it addresses")).ConfigureAwait(false);
            return;
        }
        if (command.CommandCase == ControlCommand.CommandOneofCase.SubscribedAck)
        {
            if (!stream.Pending.TryGetValue(command.Id, out var pending) || !pending.TryAccept(command))
            {
                logger.LogWarning("Refused a SubscribedAck for attachment {AttachmentId}: no Subscribed is waiting for it", command.Id);
                await ReplyAsync(stream, CommandResults.Nack(command, "id",
                    $"no Subscribed for attachment '{command.Id}' is waiting for an ack on this stream (it timed out and was rolled back, or was never sent); the ack was not applied")).ConfigureAwait(false);
                return;
            }
            try
            {
                await dispatcher.EnqueueAsync(command, result =>
                {
                    pending.Complete(result);
                    if (result is not null) _ = ReplyAsync(stream, result);
                }, stream.Ended).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Claimed but never queued: its SubscribeAsync must not wait for an apply that will not happen.
                pending.Complete(null);
                throw;
            }
            return;
        }
        await dispatcher.EnqueueAsync(command, result =>
        {
            if (result is not null) _ = ReplyAsync(stream, result);
        }, stream.Ended).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a CommandResult on the stream its command came on. When that stream has ended the result is dropped:
    /// the next SyncRequest reports the attachment's rule_version, which says the same.
    /// </summary>
    async Task ReplyAsync(LinkStream stream, CommandResult result)
    {
        if (result.Status == CommandStatus.Nack)
            logger.LogWarning("NACK for version '{Version}' of attachment {AttachmentId}: {Field}: {Error}", result.Version, result.Id, result.Field, result.Error);
        if (!await stream.TryWriteAsync(new DaemonEvent { CommandResult = result }).ConfigureAwait(false))
            logger.LogDebug("Dropped the result for attachment {AttachmentId} version '{Version}': its stream ended", result.Id, result.Version);
    }

    async Task SendHeartbeatsAsync(LinkStream stream)
    {
        using var timer = new PeriodicTimer(settings.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stream.Ended).ConfigureAwait(false))
            {
                IReadOnlyList<AttachmentStats> stats;
                try
                {
                    stats = host.Stats();
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Reading attachment counters for a heartbeat failed; heartbeat skipped");
                    continue;
                }
                if (!await stream.TryWriteAsync(new DaemonEvent { Heartbeat = new Heartbeat { Stats = { stats } } }).ConfigureAwait(false)) return;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Writes queued Unsubscribed reports, oldest first; each leaves the queue only once written.</summary>
    async Task FlushUnsubscribedAsync(LinkStream stream)
    {
        try
        {
            await stream.FlushLock.WaitAsync(stream.Ended).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            foreach (var report in outbox.Pending())
            {
                if (!await stream.TryWriteAsync(new DaemonEvent { Unsubscribed = report }).ConfigureAwait(false)) return;
                outbox.Delivered(report);
                logger.LogInformation("Reported attachment {AttachmentId} unsubscribed ({Reason})", report.Id, report.Reason);
            }
        }
        finally
        {
            stream.FlushLock.Release();
        }
    }
}

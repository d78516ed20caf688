using Microsoft.Extensions.Logging;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.ControlPlane;

// The connection's life: connect, sync, serve the stream until it ends, wait, again.
public sealed partial class ControlPlaneLink
{
    long streams;

    // How long a failed stream's reason may wait for the control plane's status (a refusal answered with a status alone).
    static readonly TimeSpan StatusWait = TimeSpan.FromSeconds(1);

    async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            SetState(ConnectionState.Connecting, null);
            await RunStreamAsync(stop).ConfigureAwait(false);
            if (stop.IsCancellationRequested) break;
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

    /// <summary>
    /// One stream from connect to end. Never throws: whatever a control plane does (an error status, a reset, a
    /// clean close, garbage, a broken rule of the protocol), the answer is to record why and try again later.
    /// </summary>
    async Task RunStreamAsync(CancellationToken stop)
    {
        certificateCheck?.Forget();
        var call = client.Connect(cancellationToken: stop);
        using var stream = new LinkStream(call, Interlocked.Increment(ref streams), Address, stop, logger);
        Task? heartbeats = null;
        string? failure = null;
        try
        {
            await SyncAsync(stream).ConfigureAwait(false);
            SetState(ConnectionState.Connected, stream);
            backoff.Reset();
            heartbeats = SendHeartbeatsAsync(stream);
            _ = FlushUnsubscribedAsync(stream);

            while (await stream.Commands.MoveNext(CancellationToken.None).ConfigureAwait(false))
                await RouteAsync(stream, stream.Commands.Current).ConfigureAwait(false);
            failure = $"the control plane ended the stream ({stream.StatusText()})";
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            failure = e is ProtocolException ? e.Message : await stream.DescribeFailureAsync(e, StatusWait).ConfigureAwait(false) + TlsRefusal(e) + SizeLimit(e);
        }
        finally
        {
            // The reason first, then Disconnected, so whoever sees the state change also sees why. Disconnected
            // before the stream ends, so a SubscribeAsync that starts now fails at once instead of queueing on a
            // stream whose pending subscriptions are about to be failed.
            if (failure is not null)
            {
                lastError = failure;
                logger.LogWarning("Control-plane stream to {Address}: {Reason}", Address, failure);
            }
            SetState(ConnectionState.Disconnected, null);
            stream.End(failure ?? "netfenced is stopping the link");
            if (heartbeats is not null) await heartbeats.ConfigureAwait(false);
        }
    }

    // The TLS stack says only that the validation callback refused; the check knows why.
    string TlsRefusal(Exception e) =>
        certificateCheck?.LastRefusal is { } refusal && LinkStream.Causes(e).Any(c => c is System.Security.Authentication.AuthenticationException)
            ? $" ({refusal})"
            : "";

    // gRPC says only that a message exceeded "the maximum configured message size"; name the setting that configures it.
    string SizeLimit(Exception e) =>
        LinkStream.Causes(e).Any(c => c is Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.ResourceExhausted })
            ? $" (control_plane.max_message_size is {settings.MaxMessageSize} bytes; the control plane sent or would receive a larger message)"
            : "";

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
                await ReplyAsync(stream, CommandResults.Nack(command, "id",
                    $"no Subscribed for attachment '{command.Id}' is waiting for an ack on this stream (it timed out and was rolled back, or was never sent); the ack was not applied")).ConfigureAwait(false);
                return;
            }
            try
            {
                await dispatcher.EnqueueAsync(command, async result =>
                {
                    pending.Complete(result);
                    if (result is not null) await ReplyAsync(stream, result).ConfigureAwait(false);
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
        await dispatcher.EnqueueAsync(command, async result =>
        {
            if (result is not null) await ReplyAsync(stream, result).ConfigureAwait(false);
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

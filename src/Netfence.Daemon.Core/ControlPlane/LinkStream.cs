using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.ControlPlane;

/// <summary>
/// One open Connect call. gRPC allows one write at a time on a stream and events come from several places
/// (subscribes, results, heartbeats, unsubscribes), so every write goes through one lock; the first failed write
/// ends the stream, because nothing written after it could be trusted to arrive in order.
/// </summary>
sealed class LinkStream : IDisposable
{
    readonly AsyncDuplexStreamingCall<DaemonEvent, ControlCommand> call;
    readonly SemaphoreSlim writeLock = new(1, 1);
    readonly CancellationTokenSource ended = new();
    readonly CancellationTokenRegistration linkStopping;
    readonly ILogger logger;
    readonly Lock endGate = new();
    string? endReason;

    public LinkStream(AsyncDuplexStreamingCall<DaemonEvent, ControlCommand> call, long number, string address, CancellationToken linkStopping, ILogger logger)
    {
        this.call = call;
        this.logger = logger;
        Number = number;
        Address = address;
        this.linkStopping = linkStopping.Register(() => End("netfenced is stopping the link"));
    }

    /// <summary>Counts the link's streams, for logs.</summary>
    public long Number { get; }

    public string Address { get; }

    /// <summary>Subscriptions waiting for their SubscribedAck on this stream, by attachment id.</summary>
    public ConcurrentDictionary<string, PendingSubscription> Pending { get; } = new(StringComparer.Ordinal);

    /// <summary>Serialises Unsubscribed replays, so two flushes do not send the same report twice.</summary>
    public SemaphoreSlim FlushLock { get; } = new(1, 1);

    /// <summary>Cancelled when the stream has ended.</summary>
    public CancellationToken Ended => ended.Token;

    public bool IsEnded => ended.IsCancellationRequested;

    public IAsyncStreamReader<ControlCommand> Commands => call.ResponseStream;

    /// <summary>Writes <paramref name="e"/>; throws <see cref="ControlPlaneUnavailableException"/> (and ends the stream) when it cannot.</summary>
    /// <remarks>
    /// <paramref name="cancellationToken"/> only bounds the wait for the write lock: cancelling a write in progress
    /// would cancel the whole call, and one caller that gives up must not break the stream for everyone.
    /// </remarks>
    public async Task WriteAsync(DaemonEvent e, CancellationToken cancellationToken = default)
    {
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(Ended, cancellationToken))
        {
            try
            {
                await writeLock.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Unavailable();
            }
        }
        try
        {
            if (IsEnded) throw Unavailable();
            await call.RequestStream.WriteAsync(e).ConfigureAwait(false);
        }
        catch (Exception error) when (error is RpcException or IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            End($"writing {e.EventCase} failed: {Describe(error)}");
            throw Unavailable(error);
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>Writes <paramref name="e"/> if the stream is still up; false (the stream has ended) otherwise.</summary>
    public async Task<bool> TryWriteAsync(DaemonEvent e)
    {
        try
        {
            await WriteAsync(e).ConfigureAwait(false);
            return true;
        }
        catch (ControlPlaneUnavailableException)
        {
            return false;
        }
    }

    /// <summary>Ends the stream: cancels the call and fails every subscription still waiting for its ack.</summary>
    public void End(string reason)
    {
        lock (endGate)
        {
            if (endReason is not null) return;
            endReason = reason;
        }
        logger.LogDebug("Control-plane stream {Stream} ended: {Reason}", Number, reason);
        ended.Cancel();
        // Disposing a call that has not finished cancels it, which also ends a read blocked on the next command.
        call.Dispose();
        var error = Unavailable();
        foreach (var pending in Pending.Values) pending.Fail(error);
    }

    ControlPlaneUnavailableException Unavailable(Exception? inner = null) =>
        new($"the control-plane stream to {Address} ended{(endReason is { } r ? ": " + r : "")}", inner);

    /// <summary>The call's final status, once the control plane has ended it.</summary>
    public string StatusText()
    {
        try
        {
            var status = call.GetStatus();
            return $"status {status.StatusCode}{(status.Detail.Length > 0 ? ": " + status.Detail : "")}";
        }
        catch (InvalidOperationException)
        {
            return "no status yet";
        }
    }

    /// <summary>
    /// Why the stream failed, preferring the status the control plane ended the call with: a write that failed
    /// because the call was already over says only that it was cancelled, the status says why (PermissionDenied, ...).
    /// A control plane that refuses the stream at once answers with its status alone, which can arrive just after the
    /// failed write: up to <paramref name="statusWait"/> is given for it.
    /// </summary>
    public async Task<string> DescribeFailureAsync(Exception e, TimeSpan statusWait)
    {
        if (e is not RpcException)
        {
            try
            {
                await call.ResponseHeadersAsync.WaitAsync(statusWait).ConfigureAwait(false);
            }
            catch (RpcException refused)
            {
                // A status without headers: the call's own reason.
                if (refused.StatusCode is not (StatusCode.OK or StatusCode.Cancelled)) return Describe(refused);
            }
            catch (Exception)
            {
                // No headers and no status within the wait, or the transport failed: GetStatus below, or the exception.
            }
            try
            {
                var status = call.GetStatus();
                if (status.StatusCode is not (StatusCode.OK or StatusCode.Cancelled)) return Describe(new RpcException(status));
            }
            catch (InvalidOperationException)
            {
                // The call has no status yet: the exception is all there is.
            }
        }
        return Describe(e);
    }

    /// <summary>The exception, its inner exceptions, and the transport exceptions gRPC keeps as debug exceptions.</summary>
    public static IEnumerable<Exception> Causes(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
            if (cause is RpcException { Status.DebugException: { } debug })
                foreach (var inner in Causes(debug)) yield return inner;
        }
    }

    /// <summary>A one-line description of a stream failure, without a stack trace.</summary>
    public static string Describe(Exception e) => e switch
    {
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}{(rpc.Status.DebugException is { } inner ? $" ({Innermost(inner).Message})" : "")}",
        _ => $"{e.GetType().Name}: {Innermost(e).Message}",
    };

    static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    public void Dispose()
    {
        End("closed");
        linkStopping.Dispose();
    }
}

using System.Threading.Channels;
using Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Daemons;

/// <summary>
/// One open Connect stream. gRPC allows one write at a time on a stream, and commands for one
/// daemon come from several places (its own events, the change feed), so all of them go through
/// this queue and a single writer loop; the queue's order is the order the daemon sees.
/// </summary>
sealed class DaemonSession : IDisposable
{
    readonly Channel<ControlCommand> queue = Channel.CreateUnbounded<ControlCommand>(new UnboundedChannelOptions { SingleReader = true });
    readonly CancellationTokenSource ended;

    public DaemonSession(CancellationToken callEnded)
    {
        ended = CancellationTokenSource.CreateLinkedTokenSource(callEnded);
    }

    /// <summary>Cancelled when the stream ends or is replaced by a newer stream from the same daemon.</summary>
    public CancellationToken Ended => ended.Token;

    /// <summary>Queues <paramref name="command"/>; false when the stream has ended.</summary>
    public bool Send(ControlCommand command) => !ended.IsCancellationRequested && queue.Writer.TryWrite(command);

    /// <summary>Ends the stream from the server side (the daemon reconnected on another stream).</summary>
    public void Close()
    {
        queue.Writer.TryComplete();
        ended.Cancel();
    }

    /// <summary>Writes queued commands until the stream ends.</summary>
    public async Task WriteAllAsync(Func<ControlCommand, Task> write)
    {
        try
        {
            await foreach (var command in queue.Reader.ReadAllAsync(Ended).ConfigureAwait(false))
                await write(command).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Ended.IsCancellationRequested)
        {
            // The stream ended; queued commands are for a daemon that will resync.
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException)
        {
            // The daemon went away mid-write. Ending the session stops the read loop too; the daemon
            // resyncs when it comes back, so nothing queued here is needed any more.
            Close();
        }
    }

    public void Dispose()
    {
        queue.Writer.TryComplete();
        ended.Dispose();
    }
}

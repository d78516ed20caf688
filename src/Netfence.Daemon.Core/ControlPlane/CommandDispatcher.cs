using Microsoft.Extensions.Logging;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.ControlPlane;

/// <summary>
/// Applies commands through <see cref="IAttachmentHost.ApplyAsync"/>: in arrival order for each attachment, several
/// attachments at once, and off the stream's read loop, so that a slow apply never delays the SubscribedAck another
/// Attach is waiting for.
/// </summary>
/// <remarks>
/// Shared by every stream of a link, so the order per attachment also holds across a reconnect: a command read just
/// before the stream broke is applied before one for the same attachment that the next stream carries. At most
/// <c>capacity</c> commands are queued or running; past that the read loop waits, and HTTP/2 flow control passes
/// the wait on to the control plane instead of the daemon's memory growing.
/// </remarks>
sealed class CommandDispatcher : IAsyncDisposable
{
    /// <summary>
    /// What happens once a command was applied (null: the link stopped first). The attachment's next command waits
    /// for it, so results written here reach the control plane in the order the commands came.
    /// </summary>
    public delegate Task Completion(CommandResult? result);

    readonly record struct Work(ControlCommand Command, Completion Completed);

    readonly IAttachmentHost host;
    readonly ILogger logger;
    readonly Lock gate = new();
    readonly Dictionary<string, Queue<Work>> queues = new(StringComparer.Ordinal);
    readonly HashSet<Task> drains = [];
    readonly SemaphoreSlim room;
    readonly SemaphoreSlim workers;
    readonly CancellationTokenSource stopping = new();

    public CommandDispatcher(IAttachmentHost host, ILogger logger, int capacity = 4096, int parallelism = 4)
    {
        this.host = host;
        this.logger = logger;
        room = new SemaphoreSlim(capacity, capacity);
        workers = new SemaphoreSlim(parallelism, parallelism);
    }

    /// <summary>Queues <paramref name="command"/> behind earlier ones for the same attachment; waits while the dispatcher is full.</summary>
    public async ValueTask EnqueueAsync(ControlCommand command, Completion completed, CancellationToken cancellationToken)
    {
        await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (gate)
        {
            if (stopping.IsCancellationRequested)
            {
                room.Release();
                _ = completed(null);
                return;
            }
            if (queues.TryGetValue(command.Id, out var queue))
            {
                queue.Enqueue(new Work(command, completed));
                return;
            }
            queues[command.Id] = new Queue<Work>([new Work(command, completed)]);
            var drain = Task.Run(() => DrainAsync(command.Id));
            drains.Add(drain);
            _ = drain.ContinueWith(t =>
            {
                lock (gate) drains.Remove(t);
            }, TaskScheduler.Default);
        }
    }

    // One drain per attachment with queued work: it alone dequeues that attachment's commands, which is the ordering.
    async Task DrainAsync(string id)
    {
        while (true)
        {
            Work work;
            lock (gate)
            {
                var queue = queues[id];
                if (queue.Count == 0)
                {
                    queues.Remove(id);
                    return;
                }
                work = queue.Dequeue();
            }
            CommandResult? result = null;
            try
            {
                await workers.WaitAsync(stopping.Token).ConfigureAwait(false);
                try
                {
                    result = await ApplyAsync(work.Command).ConfigureAwait(false);
                }
                finally
                {
                    workers.Release();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            finally
            {
                room.Release();
            }
            try
            {
                await work.Completed(result).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Reporting the result of {Command} for attachment {AttachmentId} failed", CommandNames.Of(work.Command), id);
            }
        }
    }

    async Task<CommandResult?> ApplyAsync(ControlCommand command)
    {
        CommandResult result;
        try
        {
            result = await host.ApplyAsync(command, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e)
        {
            // The host's contract is to answer bad input with a NACK, so this is a daemon fault, not bad input. The
            // control plane still gets an answer instead of waiting for one that never comes.
            logger.LogError(e, "Applying {Command} version '{Version}' to attachment {AttachmentId} failed", CommandNames.Of(command), command.Version, command.Id);
            return CommandResults.Nack(command, "", $"netfenced failed to apply {CommandNames.Of(command)}: {e.Message}");
        }
        if (result.Status is not (CommandStatus.Ack or CommandStatus.Nack))
        {
            logger.LogError("The attachment host returned status {Status} for {Command} to attachment {AttachmentId}; reporting a NACK", result.Status, CommandNames.Of(command), command.Id);
            return CommandResults.Nack(command, "", $"netfenced returned no verdict ({result.Status}) for {CommandNames.Of(command)}");
        }
        // The echo is the link's job, so a control plane can always match a result to its command.
        result.Id = command.Id;
        result.Version = command.Version;
        return result;
    }

    /// <summary>Stops: running applies are cancelled, and queued commands complete with null.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (gate)
        {
            stopping.Cancel();
            running = [.. drains];
        }
        // A drain that sees the cancellation answers the rest of its queue with null and ends.
        await Task.WhenAll(running).ConfigureAwait(false);
    }
}

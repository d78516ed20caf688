using System.Collections.Concurrent;
using Grpc.Core;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Infrastructure;

/// <summary>One Connect call as the scripted control plane sees it: what the daemon sent, and a way to answer or end it.</summary>
sealed class ScriptedStream(IServerStreamWriter<ControlCommand> responses, int number)
{
    readonly ConcurrentQueue<DaemonEvent> received = new();
    readonly SemaphoreSlim writeLock = new(1, 1);
    readonly TaskCompletionSource<Status> endRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>1 for the first Connect call the server saw, 2 for the next, ...</summary>
    public int Number { get; } = number;

    public IReadOnlyList<DaemonEvent> Received => [.. received];

    public Task<Status> EndRequested => endRequested.Task;

    public void Record(DaemonEvent e) => received.Enqueue(e);

    public async Task SendAsync(ControlCommand command)
    {
        await writeLock.WaitAsync();
        try
        {
            await responses.WriteAsync(command);
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>Ends the call: OK closes it cleanly, any other status fails it.</summary>
    public void End(Status status) => endRequested.TrySetResult(status);

    /// <summary>The events of one kind received so far.</summary>
    public IReadOnlyList<DaemonEvent> Of(DaemonEvent.EventOneofCase kind) => [.. received.Where(e => e.EventCase == kind)];

    /// <summary>Waits for the first event of <paramref name="kind"/> that <paramref name="match"/> accepts.</summary>
    public Task<DaemonEvent> WaitForAsync(DaemonEvent.EventOneofCase kind, Func<DaemonEvent, bool>? match = null, string? what = null) =>
        Wait.UntilAsync(() => received.FirstOrDefault(e => e.EventCase == kind && (match?.Invoke(e) ?? true)), what ?? $"a {kind} event on stream {Number}");

    /// <summary>Waits for the CommandResult for <paramref name="id"/> with <paramref name="version"/>.</summary>
    public async Task<CommandResult> ResultAsync(string id, string version) =>
        (await WaitForAsync(DaemonEvent.EventOneofCase.CommandResult, e => e.CommandResult.Id == id && e.CommandResult.Version == version,
            $"the result for {id} version '{version}' on stream {Number}")).CommandResult;
}

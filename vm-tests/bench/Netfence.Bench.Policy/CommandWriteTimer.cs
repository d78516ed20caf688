using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Proto = Netfence.Protocol.V1;

namespace Netfence.Bench.Policy;

/// <summary>
/// Times the SDK's writes of bulk_update commands on the control-plane stream, from outside the SDK: a gRPC server
/// interceptor wraps the stream's writer, so the write of a command starts once the SDK has resolved, planned and
/// built it. Its return says little (HTTP/2 flow control holds a large message until the daemon has read most of it),
/// so the breakdown uses only the start.
/// Wall-clock times, so they line up with the daemon's log in another process on the same host.
/// </summary>
internal sealed class CommandWriteTimer : Interceptor
{
    /// <summary>
    /// One write of a bulk_update: when it began, when it returned (once HTTP/2 flow control let all of it out, which
    /// can be after netfenced began applying it), and the message, to time its serialisation and parse after the round.
    /// </summary>
    public readonly record struct Write(DateTimeOffset Began, DateTimeOffset Returned, Proto.ControlCommand Message);

    readonly ConcurrentQueue<Write> writes = new();

    /// <summary>The bulk_update writes that began at or after <paramref name="since"/>, in order.</summary>
    public IReadOnlyList<Write> BulkWritesSince(DateTimeOffset since) => writes.Where(w => w.Began >= since).ToList();

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(requestStream, new TimedWriter<TResponse>(responseStream, writes), context);

    sealed class TimedWriter<T>(IServerStreamWriter<T> inner, ConcurrentQueue<Write> writes) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message) => Timed(message, () => inner.WriteAsync(message));

        public Task WriteAsync(T message, CancellationToken cancellationToken) => Timed(message, () => inner.WriteAsync(message, cancellationToken));

        async Task Timed(T message, Func<Task> write)
        {
            if (message is not Proto.ControlCommand { CommandCase: Proto.ControlCommand.CommandOneofCase.BulkUpdate } command)
            {
                await write();
                return;
            }
            var began = DateTimeOffset.UtcNow;
            await write();
            writes.Enqueue(new Write(began, DateTimeOffset.UtcNow, command));
        }
    }
}

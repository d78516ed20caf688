using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Netfence.Daemon.KernelTests.V1Only;

/// <summary>
/// A tiny control plane built only from the v1 protocol (netfence_v1.proto beside this file): it acks the sync, answers
/// each Subscribed with <see cref="Ack"/>, and sends whatever commands the test queues, on one daemon's stream.
/// </summary>
sealed class V1ControlPlane : IAsyncDisposable
{
    readonly WebApplication app;
    readonly Channel<ControlCommand> outgoing = Channel.CreateUnbounded<ControlCommand>();

    V1ControlPlane(WebApplication app, string socketPath)
    {
        this.app = app;
        Address = "unix://" + socketPath;
    }

    public string Address { get; }

    public SubscribedAck Ack { get; set; } = new();

    public ConcurrentQueue<DaemonEvent> Events { get; } = new();

    /// <summary>Events whose oneof case this v1 control plane does not know (netfenced's additions), kept as unknown fields.</summary>
    public int UnknownEvents => Events.Count(e => e.EventCase == DaemonEvent.EventOneofCase.None);

    public static async Task<V1ControlPlane> StartAsync(string socketPath)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socketPath, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<Service>();
        var app = builder.Build();
        var controlPlane = new V1ControlPlane(app, socketPath);
        app.Services.GetRequiredService<Service>().Owner = controlPlane;
        app.MapGrpcService<Service>();
        await app.StartAsync();
        return controlPlane;
    }

    /// <summary>Sends <paramref name="command"/> on the daemon's stream.</summary>
    public void Send(ControlCommand command) => outgoing.Writer.TryWrite(command);

    sealed class Service : ControlPlane.ControlPlaneBase
    {
        public V1ControlPlane Owner { get; set; } = null!;

        public override async Task Connect(IAsyncStreamReader<DaemonEvent> requestStream, IServerStreamWriter<ControlCommand> responseStream, ServerCallContext context)
        {
            var writes = new SemaphoreSlim(1);
            async Task Write(ControlCommand command)
            {
                await writes.WaitAsync();
                try
                {
                    await responseStream.WriteAsync(command);
                }
                finally
                {
                    writes.Release();
                }
            }
            var sender = Task.Run(async () =>
            {
                try
                {
                    await foreach (var command in Owner.outgoing.Reader.ReadAllAsync(context.CancellationToken)) await Write(command);
                }
                catch (OperationCanceledException)
                {
                }
            });
            try
            {
                await foreach (var e in requestStream.ReadAllAsync(context.CancellationToken))
                {
                    Owner.Events.Enqueue(e);
                    if (e.EventCase == DaemonEvent.EventOneofCase.Sync) await Write(new ControlCommand { SyncAck = new SyncAck() });
                    else if (e.EventCase == DaemonEvent.EventOneofCase.Subscribed) await Write(new ControlCommand { Id = e.Subscribed.Id, SubscribedAck = Owner.Ack });
                }
            }
            catch (OperationCanceledException)
            {
            }
            await sender;
        }
    }

    public async ValueTask DisposeAsync()
    {
        outgoing.Writer.TryComplete();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.KernelTests.Processes;

/// <summary>
/// A control plane served from the test process on a unix socket that syncs at once and answers each Subscribed with
/// <see cref="Ack"/> after the delay <see cref="AckDelay"/> chooses for it (null: never), recording every event.
/// </summary>
sealed class AckDelayingControlPlane : IAsyncDisposable
{
    readonly WebApplication app;

    AckDelayingControlPlane(WebApplication app, string socketPath)
    {
        this.app = app;
        Address = "unix://" + socketPath;
    }

    public string Address { get; }

    /// <summary>The delay before the ack of the n-th Subscribed (from 0); null never acks it.</summary>
    public Func<int, TimeSpan?> AckDelay { get; set; } = _ => TimeSpan.Zero;

    public SubscribedAck Ack { get; set; } = new() { Mode = PolicyMode.Allowlist, AllowCidrs = { new CIDREntry { Cidr = "127.0.0.1/32" } } };

    public ConcurrentQueue<Subscribed> Subscribed { get; } = new();
    public ConcurrentQueue<Unsubscribed> Unsubscribed { get; } = new();
    public ConcurrentQueue<CommandResult> Results { get; } = new();

    int subscriptions;

    public static async Task<AckDelayingControlPlane> StartAsync(string socketPath)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socketPath, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<Service>();
        var app = builder.Build();
        var controlPlane = new AckDelayingControlPlane(app, socketPath);
        app.Services.GetRequiredService<Service>().Owner = controlPlane;
        app.MapGrpcService<Service>();
        await app.StartAsync();
        return controlPlane;
    }

    sealed class Service : Netfence.Protocol.V1.ControlPlane.ControlPlaneBase
    {
        public AckDelayingControlPlane Owner { get; set; } = null!;

        public override async Task Connect(IAsyncStreamReader<DaemonEvent> requestStream, IServerStreamWriter<ControlCommand> responseStream, ServerCallContext context)
        {
            var writeLock = new SemaphoreSlim(1);
            var acks = new List<Task>();
            async Task Send(ControlCommand command)
            {
                await writeLock.WaitAsync();
                try
                {
                    await responseStream.WriteAsync(command);
                }
                finally
                {
                    writeLock.Release();
                }
            }
            try
            {
                await foreach (var e in requestStream.ReadAllAsync(context.CancellationToken))
                {
                    switch (e.EventCase)
                    {
                        case DaemonEvent.EventOneofCase.Sync:
                            await Send(new ControlCommand { SyncAck = new SyncAck() });
                            break;
                        case DaemonEvent.EventOneofCase.Subscribed:
                            Owner.Subscribed.Enqueue(e.Subscribed);
                            if (Owner.AckDelay(Interlocked.Increment(ref Owner.subscriptions) - 1) is { } delay)
                            {
                                var id = e.Subscribed.Id;
                                acks.Add(Task.Run(async () =>
                                {
                                    await Task.Delay(delay, context.CancellationToken);
                                    await Send(new ControlCommand { Id = id, SubscribedAck = Owner.Ack });
                                }));
                            }
                            break;
                        case DaemonEvent.EventOneofCase.Unsubscribed:
                            Owner.Unsubscribed.Enqueue(e.Unsubscribed);
                            break;
                        case DaemonEvent.EventOneofCase.CommandResult:
                            Owner.Results.Enqueue(e.CommandResult);
                            break;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            try
            {
                await Task.WhenAll(acks);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

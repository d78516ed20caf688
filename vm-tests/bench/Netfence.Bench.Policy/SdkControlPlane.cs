using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Netfence.ControlPlane.Hosting;
using Netfence.ControlPlane.Policies;

namespace Netfence.Bench.Policy;

/// <summary>
/// An external control plane on the SDK (src/Netfence.ControlPlane) with its default settings, served on a unix
/// socket from this process; every attachment gets the state last given to <see cref="Set"/>, pushed at once.
/// </summary>
internal sealed class SdkControlPlane : IPolicySource, IAsyncDisposable
{
    readonly PolicyChangeFeed feed = new();
    readonly WebApplication app;
    volatile DesiredState state;

    public SdkControlPlane(string socketPath, DesiredState initial)
    {
        state = initial;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socketPath, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<IPolicySource>(this);
        builder.Services.AddSingleton(WriteTimer);
        builder.Services.AddNetfenceControlPlane();
        builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<CommandWriteTimer>());
        app = builder.Build();
        app.MapNetfenceControlPlane();
        Address = "unix://" + socketPath;
    }

    public string Address { get; }

    /// <summary>When each bulk_update was written to the stream.</summary>
    public CommandWriteTimer WriteTimer { get; } = new();

    public Task StartAsync() => app.StartAsync();

    /// <summary>Makes <paramref name="next"/> every attachment's state and announces the change.</summary>
    public void Set(DesiredState next)
    {
        state = next;
        feed.Publish(PolicyChange.All("benchmark"));
    }

    public ValueTask<DesiredState> ResolveAsync(AttachmentContext attachment, CancellationToken cancellationToken) => ValueTask.FromResult(state);

    public IAsyncEnumerable<PolicyChange> WatchAsync(CancellationToken cancellationToken) => feed.ReadAllAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Netfence.ControlPlane.Dns;
using Netfence.ControlPlane.Hosting;
using Netfence.ControlPlane.Policies;
using Netfence.ControlPlane.Status;
using Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Tests.Infrastructure;

/// <summary>The SDK served by Kestrel on 127.0.0.1 (ephemeral port, HTTP/2 cleartext), with a client channel to it.</summary>
sealed class TestControlPlane : IAsyncDisposable
{
    readonly WebApplication app;

    TestControlPlane(WebApplication app, TestLog log, Uri address)
    {
        this.app = app;
        Log = log;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
        Client = new Protocol.V1.ControlPlane.ControlPlaneClient(Channel);
        Status = app.Services.GetRequiredService<ControlPlaneStatus>();
    }

    public TestLog Log { get; }
    public Uri Address { get; }
    public GrpcChannel Channel { get; }
    public Protocol.V1.ControlPlane.ControlPlaneClient Client { get; }
    public ControlPlaneStatus Status { get; }
    public IServiceProvider Services => app.Services;

    public static async Task<TestControlPlane> StartAsync(IPolicySource source, IDnsQueryHandler? dns = null, Action<ControlPlaneOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var log = new TestLog();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(log);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(source);
        if (dns is not null) builder.Services.AddSingleton(dns);
        builder.Services.AddNetfenceControlPlane(configure);
        var app = builder.Build();
        app.MapNetfenceControlPlane();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestControlPlane(app, log, new Uri(address));
    }

    public FakeDaemon Daemon(string daemonId, bool reportsResults = true, Dictionary<string, string>? metadata = null) =>
        new(Client, daemonId, reportsResults, metadata);

    /// <summary>Runs <paramref name="change"/> and waits until the SDK has processed the policy change it causes.</summary>
    public Task<PolicyChangeEventArgs> ChangeAsync(Action change) =>
        Wait.ForEventAsync<PolicyChangeEventArgs>(h => Status.PolicyChangeProcessed += h, h => Status.PolicyChangeProcessed -= h,
            () => { change(); return Task.CompletedTask; });

    /// <summary>Runs <paramref name="connect"/> and waits until the SDK has finished the resync it starts.</summary>
    public Task<DaemonResyncedEventArgs> ResyncAsync(string daemonId, Func<Task> connect) =>
        Wait.ForEventAsync<DaemonResyncedEventArgs>(h => Status.DaemonResynced += h, h => Status.DaemonResynced -= h, connect, e => e.DaemonId == daemonId);

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

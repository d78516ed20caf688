using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Netfence.Daemon.Api;
using Netfence.Daemon.Attachments;
using Netfence.Daemon.Configuration;
using Netfence.Daemon.DnsServing;
using Netfence.Daemon.Store;
using Netfence.Daemon.Targets;
using Netfence.Dns.Serving;

namespace Netfence.Daemon.Hosting;

/// <summary>
/// A running netfenced: the store, the datapath, the DNS servers and the attachment manager (restored from the store
/// and the pins before the API opens), and DaemonService on Kestrel over the unix socket (and TCP only when
/// socket.tcp_address is set). Stopping releases handles only: pinned filters keep enforcing.
/// </summary>
sealed class DaemonHost : IAsyncDisposable
{
    static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    readonly WebApplication _app;
    readonly AttachmentStore _store;
    readonly IDatapath _datapath;
    readonly ITargetWatcher? _watcher;
    readonly ControlPlaneWiring? _controlPlane;
    readonly AttachmentDnsServers _dns;
    readonly CancellationTokenSource _stopping = new();
    readonly Task _background;
    readonly string _socketPath;
    int _disposed;

    DaemonHost(WebApplication app, AttachmentStore store, DaemonParts parts, AttachmentDnsServers dns, AttachmentManager manager, RestoreReport restored, string socketPath)
    {
        _app = app;
        _store = store;
        _datapath = parts.Datapath;
        _watcher = parts.Watcher;
        _controlPlane = parts.ControlPlane;
        _dns = dns;
        Manager = manager;
        Restored = restored;
        _socketPath = socketPath;
        _background = manager.RunAsync(SweepInterval, _stopping.Token);
    }

    public AttachmentManager Manager { get; }

    public RestoreReport Restored { get; }

    /// <summary>The per-attachment DNS servers (tests compare their learned state across a restart).</summary>
    internal DnsServer DnsServer => _dns.Server;

    /// <summary>Completes when the daemon was asked to stop (signal or Shutdown call).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Opens everything and starts serving; on failure, releases what was opened and throws <see cref="StartupException"/>.</summary>
    public static async Task<DaemonHost> StartAsync(DaemonConfiguration configuration, Func<AttachmentStore, ILoggerFactory, DaemonParts> parts, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        UnixSocketFile.RequireGroup(configuration.Socket.Group);
        UnixSocketFile.RequireSafeUmask();
        UnixSocketFile.RemoveStale(configuration.Socket.Path);

        RequireStoreWhenPinned(configuration);
        AttachmentStore store;
        try
        {
            store = AttachmentStore.Open(configuration.DataDirectory);
        }
        catch (StoreException e)
        {
            throw new StartupException(e.Message, e);
        }

        DaemonParts? built = null;
        AttachmentDnsServers? dns = null;
        try
        {
            built = parts(store, loggers);
            var writer = new ManagerAllowlistWriter();
            dns = new AttachmentDnsServers(new DnsServer(DnsServerOptions.FromSettings(configuration.Dns), writer, built.DnsControlPlane, loggers.CreateLogger<DnsServer>()));
            var manager = new AttachmentManager(store, built.Datapath, dns, built.Resolver, built.Link, built.Watcher, configuration,
                loggers.CreateLogger<AttachmentManager>());
            writer.Bind(manager);
            RestoreReport restored;
            try
            {
                restored = await manager.RestoreAsync(cancellationToken);
            }
            catch (StoreException e)
            {
                throw new StartupException(e.Message, e);
            }

            // After the restore, so the first SyncRequest lists every adopted attachment; before the API, so the first
            // Attach finds the control plane connected.
            if (built.ControlPlane is { } controlPlane) await controlPlane.StartAsync(cancellationToken);
            var app = BuildApp(configuration, manager, loggers);
            await app.StartAsync(cancellationToken);
            UnixSocketFile.SetPermissions(configuration.Socket.Path, configuration.Socket.Group);
            loggers.CreateLogger("netfenced").LogInformation("netfenced {Version} serving {Socket}{Tcp} ({Mode})", DaemonIdentity.ThisVersion, configuration.Socket.Path,
                configuration.Socket.TcpAddress is { } tcp ? $" and tcp {tcp}" : "", manager.Standalone ? "standalone" : $"control plane {manager.Link!.Address}");
            return new DaemonHost(app, store, built, dns, manager, restored, configuration.Socket.Path);
        }
        catch
        {
            if (built?.ControlPlane is { } controlPlane) await controlPlane.DisposeAsync();
            if (dns is not null) await dns.DisposeAsync();
            built?.Datapath.Dispose();
            if (built?.Watcher is { } watcher) await watcher.DisposeAsync();
            store.Dispose();
            throw;
        }
    }

    // A missing store with pinned attachments is a lost store, not a fresh host: starting empty would remove every
    // filter as an orphan. The operator decides.
    static void RequireStoreWhenPinned(DaemonConfiguration configuration)
    {
        var storeFile = Path.Combine(configuration.DataDirectory, AttachmentStore.FileName);
        var links = Path.Combine(configuration.Datapath.PinDirectory, KernelDatapath.LinksDirectory);
        if (File.Exists(storeFile) || !Directory.Exists(links)) return;
        int pinned = Directory.EnumerateDirectories(links).Count();
        if (pinned == 0) return;
        throw new StartupException($"the store {storeFile} is missing, but {pinned} attachments are pinned in {links}; starting without it would remove " +
            $"their filters. Restore the store (with its -wal file) from a backup, or remove the filters deliberately (rm -r {configuration.Datapath.PinDirectory}) and start again");
    }

    static WebApplication BuildApp(DaemonConfiguration configuration, AttachmentManager manager, ILoggerFactory loggers)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        // Nothing but netfenced's own configuration decides where it listens (no ASPNETCORE_URLS, no appsettings).
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggers));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenUnixSocket(configuration.Socket.Path, listen => listen.Protocols = HttpProtocols.Http2);
            if (configuration.Socket.TcpAddress is IPEndPoint tcp)
                kestrel.Listen(tcp, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(manager);
        builder.Services.AddSingleton(new DaemonIdentity(DaemonIdentity.ThisVersion, configuration.Hostname ?? Environment.MachineName));
        builder.Services.AddSingleton<DaemonShutdown>();
        var app = builder.Build();
        app.MapGrpcService<DaemonApi>();
        return app;
    }

    /// <summary>Asks the daemon to stop (as SIGTERM does).</summary>
    public void RequestStop() => _app.Lifetime.StopApplication();

    /// <summary>Stops serving and releases every handle; pinned filters stay in force.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _app.StopAsync();
        // No command arrives once the link is down, and no removal once the watcher is.
        if (_controlPlane is not null) await _controlPlane.DisposeAsync();
        _stopping.Cancel();
        await _background;
        if (_watcher is not null) await _watcher.DisposeAsync();
        await _dns.DisposeAsync();
        await _app.DisposeAsync();
        _datapath.Dispose();
        _store.Dispose();
        _stopping.Dispose();
        try
        {
            File.Delete(_socketPath);
        }
        catch (IOException)
        {
        }
    }
}

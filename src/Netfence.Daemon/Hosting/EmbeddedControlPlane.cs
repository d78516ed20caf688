using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Netfence.ControlPlane.Hosting;
using Netfence.ControlPlane.Yaml.Hosting;
using Netfence.ControlPlane.Yaml.Loading;
using Netfence.ControlPlane.Yaml.Policies;

namespace Netfence.Daemon.Hosting;

/// <summary>
/// The built-in YAML control plane (Netfence.ControlPlane.Yaml) served by Kestrel over HTTP/2, on a unix socket or
/// TCP: what <c>netfenced controlplane</c> runs, and what <c>netfenced start</c> runs in-process when no
/// control_plane.address is configured, so a newcomer's daemon takes its rules from the same code path a real
/// deployment does.
/// </summary>
sealed class EmbeddedControlPlane : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly string? _socketPath;
    int _disposed;

    EmbeddedControlPlane(WebApplication app, string? socketPath)
    {
        _app = app;
        _socketPath = socketPath;
    }

    /// <summary>Where it listens, as a control_plane.address (unix:///path or http://ip:port).</summary>
    public required Uri Address { get; init; }

    /// <summary>Where the policy comes from (a file, or the embedded default policy).</summary>
    public required string PolicySource { get; init; }

    /// <summary>
    /// Builds the control plane for <paramref name="policyFile"/> (null: the embedded default policy), listening on
    /// <paramref name="listen"/>, receiving and sending messages of up to <paramref name="maxMessageSize"/> bytes.
    /// </summary>
    /// <exception cref="StartupException">The policy file cannot be read or is invalid.</exception>
    public static EmbeddedControlPlane Create(string? policyFile, ControlPlaneListenAddress listen, int maxMessageSize, ILoggerFactory loggers)
    {
        var (socketPath, tcp) = (listen.SocketPath, listen.Tcp);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        // Only the arguments decide where it listens (no ASPNETCORE_URLS, no appsettings).
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggers));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (socketPath is not null) kestrel.ListenUnixSocket(socketPath, listen => listen.Protocols = HttpProtocols.Http2);
            else kestrel.Listen(tcp!, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddNetfenceYamlControlPlane(policyFile, configure: options => options.MaxMessageSize = maxMessageSize);
        var app = builder.Build();
        app.MapNetfenceControlPlane();
        try
        {
            // Read now, so a bad policy stops the start with its message instead of failing the first connection.
            _ = app.Services.GetRequiredService<YamlPolicySource>();
        }
        catch (Exception e) when (e is PolicyFileException or IOException or UnauthorizedAccessException)
        {
            ((IDisposable)app).Dispose();
            throw new StartupException($"the control-plane policy {policyFile ?? YamlPolicySource.EmbeddedSource} cannot be used: {e.Message}", e);
        }
        return new EmbeddedControlPlane(app, socketPath)
        {
            Address = listen.Uri,
            PolicySource = policyFile ?? YamlPolicySource.EmbeddedSource,
        };
    }

    /// <summary>Starts serving; a stale socket file from an earlier run is replaced.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_socketPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_socketPath)!);
            File.Delete(_socketPath);
        }
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw new StartupException($"the control plane cannot listen on {Address}: {e.Message}", e);
        }
        // Anyone who can connect can subscribe attachments and read their rules.
        if (_socketPath is not null) File.SetUnixFileMode(_socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Completes when asked to stop (SIGTERM, Ctrl+C).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Stops serving and removes the socket file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_socketPath is not null) File.Delete(_socketPath);
    }
}

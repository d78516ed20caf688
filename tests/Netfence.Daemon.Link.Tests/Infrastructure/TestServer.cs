using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Netfence.Daemon.Link.Tests.Infrastructure;

/// <summary>Where and how a test server listens.</summary>
abstract record ServerEndpoint
{
    /// <summary>A unix socket at <paramref name="Path"/> (HTTP/2 without TLS).</summary>
    public sealed record Unix(string Path) : ServerEndpoint;

    /// <summary>127.0.0.1 on <paramref name="Port"/> (0: any), HTTP/2 without TLS.</summary>
    public sealed record Loopback(int Port = 0) : ServerEndpoint;

    /// <summary>127.0.0.1 with TLS; <paramref name="ClientCa"/> set requires a client certificate it issued.</summary>
    public sealed record Tls(X509Certificate2 Certificate, X509Certificate2? ClientCa = null) : ServerEndpoint;
}

/// <summary>Kestrel serving one gRPC service (or a raw handler) in-process, for the link to connect to.</summary>
sealed class TestServer : IAsyncDisposable
{
    readonly WebApplication app;

    readonly List<string> clientSubjects;

    TestServer(WebApplication app, Uri address, List<string> clientSubjects)
    {
        this.app = app;
        this.clientSubjects = clientSubjects;
        Address = address;
    }

    /// <summary>The server's services (the SDK's status, for instance).</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>The address to give the link.</summary>
    public Uri Address { get; }

    /// <summary>Subjects of client certificates the TLS endpoint accepted.</summary>
    public IReadOnlyList<string> ClientSubjects
    {
        get
        {
            lock (clientSubjects) return [.. clientSubjects];
        }
    }

    /// <summary>Serves <paramref name="service"/> as the ControlPlane service.</summary>
    public static Task<TestServer> StartAsync(ScriptedControlPlane service, ServerEndpoint endpoint) =>
        StartAsync(endpoint, builder =>
        {
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(service);
        }, app => app.MapGrpcService<ScriptedControlPlane>());

    /// <summary>Serves whatever <paramref name="map"/> maps, with <paramref name="configure"/>'s services.</summary>
    public static async Task<TestServer> StartAsync(ServerEndpoint endpoint, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var clientSubjects = new List<string>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            switch (endpoint)
            {
                case ServerEndpoint.Unix unix:
                    if (File.Exists(unix.Path)) File.Delete(unix.Path);
                    kestrel.ListenUnixSocket(unix.Path, l => l.Protocols = HttpProtocols.Http2);
                    break;
                case ServerEndpoint.Loopback loopback:
                    kestrel.Listen(IPAddress.Loopback, loopback.Port, l => l.Protocols = HttpProtocols.Http2);
                    break;
                case ServerEndpoint.Tls tls:
                    kestrel.Listen(IPAddress.Loopback, 0, l =>
                    {
                        l.Protocols = HttpProtocols.Http2;
                        l.UseHttps(new HttpsConnectionAdapterOptions
                        {
                            ServerCertificate = tls.Certificate,
                            ClientCertificateMode = tls.ClientCa is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.RequireCertificate,
                            ClientCertificateValidation = (certificate, _, _) =>
                            {
                                if (tls.ClientCa is null || !TestCertificates.IssuedBy(certificate, tls.ClientCa)) return false;
                                lock (clientSubjects) clientSubjects.Add(certificate.Subject);
                                return true;
                            },
                        });
                    });
                    break;
            }
        });
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = endpoint switch
        {
            ServerEndpoint.Unix unix => new Uri("unix://" + unix.Path),
            _ => new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()),
        };
        return new TestServer(app, address, clientSubjects);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

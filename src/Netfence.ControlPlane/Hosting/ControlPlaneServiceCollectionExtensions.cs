using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Netfence.ControlPlane.Daemons;
using Netfence.ControlPlane.Dns;
using Netfence.ControlPlane.Planning;
using Netfence.ControlPlane.Service;
using Netfence.ControlPlane.Policies;
using Netfence.ControlPlane.Status;

namespace Netfence.ControlPlane.Hosting;

/// <summary>Registers the control-plane SDK in an ASP.NET Core host.</summary>
public static class ControlPlaneServiceCollectionExtensions
{
    /// <summary>
    /// Adds the control plane with <typeparamref name="TPolicySource"/> as its policy source. Register an
    /// <see cref="IDnsQueryHandler"/> too to answer DNS proxy queries (without one, every query is denied).
    /// </summary>
    public static IServiceCollection AddNetfenceControlPlane<TPolicySource>(this IServiceCollection services, Action<ControlPlaneOptions>? configure = null)
        where TPolicySource : class, IPolicySource
    {
        services.TryAddSingleton<IPolicySource, TPolicySource>();
        return services.AddNetfenceControlPlane(configure);
    }

    /// <summary>Adds the control plane; an <see cref="IPolicySource"/> must be registered separately.</summary>
    public static IServiceCollection AddNetfenceControlPlane(this IServiceCollection services, Action<ControlPlaneOptions>? configure = null)
    {
        var options = services.AddOptions<ControlPlaneOptions>();
        if (configure is not null) options.Configure(configure);
        // The limits apply to this service only, so a host that serves other gRPC services keeps their own.
        services.AddGrpc();
        services.AddOptions<GrpcServiceOptions<ControlPlaneService>>().Configure<IOptions<ControlPlaneOptions>>((grpc, sdk) =>
        {
            if (sdk.Value.MaxMessageSize <= 0)
                throw new ArgumentOutOfRangeException(nameof(ControlPlaneOptions.MaxMessageSize), sdk.Value.MaxMessageSize, "ControlPlaneOptions.MaxMessageSize must be a positive number of bytes");
            grpc.MaxReceiveMessageSize = sdk.Value.MaxMessageSize;
            grpc.MaxSendMessageSize = sdk.Value.MaxMessageSize;
        });
        services.TryAddSingleton<IDnsQueryHandler, DenyAllDnsQueryHandler>();
        services.TryAddSingleton<DaemonRegistry>();
        services.TryAddSingleton(sp => new ControlPlaneStatus(sp.GetRequiredService<DaemonRegistry>(), sp.GetRequiredService<ILogger<ControlPlaneStatus>>()));
        services.TryAddSingleton<PolicyResolver>();
        services.TryAddSingleton<Reconciler>();
        services.TryAddSingleton<DnsQueries>();
        services.AddHostedService<PolicyChangePump>();
        // A daemon that vanished without closing its stream (power loss, partition) is noticed within a
        // minute instead of when TCP gives up (pitfall 24); its attachments are then marked for resync.
        services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
        });
        return services;
    }
}

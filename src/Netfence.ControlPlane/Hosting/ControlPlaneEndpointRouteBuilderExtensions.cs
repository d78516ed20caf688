using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Netfence.ControlPlane.Service;

namespace Netfence.ControlPlane.Hosting;

/// <summary>Maps the control-plane gRPC service.</summary>
public static class ControlPlaneEndpointRouteBuilderExtensions
{
    /// <summary>Serves <c>netfence.v1.ControlPlane</c> (Connect and QueryDns) on this host's HTTP/2 endpoints.</summary>
    public static GrpcServiceEndpointConventionBuilder MapNetfenceControlPlane(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService<ControlPlaneService>();
}

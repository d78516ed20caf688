using Grpc.Core;
using Netfence.Protocol.V1;

namespace Netfence.Dns.Proxy;

/// <summary>Asks the control plane over the generated gRPC client, with a deadline per call.</summary>
public sealed class GrpcDnsControlPlane(ControlPlane.ControlPlaneClient client, TimeSpan timeout) : IDnsControlPlane
{
    /// <inheritdoc/>
    public async Task<DnsQueryResponse> QueryDnsAsync(DnsQueryRequest request, CancellationToken cancellationToken) =>
        await client.QueryDnsAsync(request, deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
}

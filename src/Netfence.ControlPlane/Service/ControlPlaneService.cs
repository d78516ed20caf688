using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Netfence.ControlPlane.Daemons;
using Netfence.ControlPlane.Dns;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Service;

/// <summary>
/// The gRPC ControlPlane service: moves messages between a stream and a <see cref="DaemonConnection"/>,
/// and turns protocol violations into a status for that stream only.
/// </summary>
sealed class ControlPlaneService(IServiceProvider services, DnsQueries dnsQueries, ILogger<ControlPlaneService> logger) : Proto.ControlPlane.ControlPlaneBase
{
    public override async Task Connect(IAsyncStreamReader<Proto.DaemonEvent> requestStream, IServerStreamWriter<Proto.ControlCommand> responseStream, ServerCallContext context)
    {
        using var session = new DaemonSession(context.CancellationToken);
        var connection = ActivatorUtilities.CreateInstance<DaemonConnection>(services, session);
        var writer = session.WriteAllAsync(command => responseStream.WriteAsync(command, context.CancellationToken));
        try
        {
            while (await requestStream.MoveNext(session.Ended).ConfigureAwait(false))
                connection.Handle(requestStream.Current);
        }
        catch (ProtocolViolationException e)
        {
            logger.LogError("Ending the stream of daemon {DaemonId} from {Peer}: {Error}", connection.DaemonId ?? "(not synced)", context.Peer, e.Message);
            throw new RpcException(new Grpc.Core.Status(e.Code, e.Message));
        }
        catch (OperationCanceledException) when (session.Ended.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.Aborted, "superseded by a newer stream from the same daemon"));
        }
        catch (Exception e) when (context.CancellationToken.IsCancellationRequested && e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The daemon went away; EndAsync below records it.
        }
        finally
        {
            session.Close();
            await writer.ConfigureAwait(false);
            await connection.EndAsync().ConfigureAwait(false);
        }
    }

    public override async Task<Proto.DnsQueryResponse> QueryDns(Proto.DnsQueryRequest request, ServerCallContext context)
    {
        try
        {
            return await dnsQueries.AnswerAsync(request, context.CancellationToken).ConfigureAwait(false);
        }
        catch (ProtocolViolationException e)
        {
            logger.LogWarning("Rejected a DNS query from {Peer}: {Error}", context.Peer, e.Message);
            throw new RpcException(new Grpc.Core.Status(e.Code, e.Message));
        }
    }
}

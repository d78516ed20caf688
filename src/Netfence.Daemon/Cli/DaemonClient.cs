using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Netfence.Protocol.V1;
using Netfence.Protocol.Transport;

namespace Netfence.Daemon.Cli;

/// <summary>A DaemonService client over netfenced's unix socket.</summary>
static class DaemonClient
{
    /// <summary>Where the CLI looks for the socket when --socket is not given.</summary>
    public static string DefaultSocket =>
        Environment.GetEnvironmentVariable("NETFENCE_SOCKET_PATH") is { Length: > 0 } fromEnvironment ? fromEnvironment : "/var/run/netfence.sock";

    public static GrpcChannel Channel(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (_, cancellationToken) => UnixSocketTransport.ConnectAsync(socketPath, cancellationToken),
        };
        // The authority is not used for routing over a unix socket; "localhost" keeps HTTP/2 happy.
        return GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

    public static DaemonService.DaemonServiceClient For(GrpcChannel channel) => new(channel);

    /// <summary>One line for an error from (or on the way to) the daemon.</summary>
    public static string Describe(RpcException e, string socketPath) => e.StatusCode switch
    {
        StatusCode.Unavailable when !File.Exists(socketPath)
            => $"netfenced is not running: there is no socket at {socketPath} (start it with `netfenced start`, or give --socket)",
        StatusCode.Unavailable when e.Status.DebugException is HttpRequestException or SocketException || e.Status.Detail.Contains("Error connecting", StringComparison.Ordinal)
            => $"cannot reach netfenced at {socketPath}: {Inner(e)} (is it running? start it with `netfenced start`, or give --socket)",
        _ => $"{Name(e.StatusCode)}: {e.Status.Detail}",
    };

    static string Inner(RpcException e)
    {
        Exception? inner = e.Status.DebugException;
        while (inner?.InnerException is not null) inner = inner.InnerException;
        return inner?.Message ?? e.Status.Detail;
    }

    static string Name(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => "invalid argument",
        StatusCode.NotFound => "not found",
        StatusCode.AlreadyExists => "already exists",
        StatusCode.FailedPrecondition => "failed precondition",
        StatusCode.Unavailable => "unavailable",
        StatusCode.DeadlineExceeded => "deadline exceeded",
        StatusCode.ResourceExhausted => "resource exhausted",
        StatusCode.PermissionDenied => "permission denied",
        _ => code.ToString(),
    };
}

using System.Net.Sockets;

namespace Netfence.Protocol.Transport;

/// <summary>
/// gRPC over a unix socket: the connect routine a <c>SocketsHttpHandler.ConnectCallback</c> needs, shared by every
/// client of ours that speaks to a socket path (the CLI and tools to netfenced's API, netfenced to a
/// <c>unix://</c> control plane). The HTTP authority is then unused for routing.
/// </summary>
public static class UnixSocketTransport
{
    /// <summary>A stream connected to the unix socket at <paramref name="path"/>; the socket is closed if connecting fails.</summary>
    public static async ValueTask<Stream> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether something accepts connections on <paramref name="path"/> now (a live server, not a stale file).</summary>
    public static bool IsServed(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

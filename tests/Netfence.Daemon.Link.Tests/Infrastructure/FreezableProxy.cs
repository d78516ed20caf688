using System.Net.Sockets;

namespace Netfence.Daemon.Link.Tests.Infrastructure;

/// <summary>
/// A unix-socket relay in front of a server that can freeze the connections it carries: bytes stop flowing both
/// ways but nothing is closed, which is what a control plane behind a dead host or a partition looks like. New
/// connections after a freeze flow normally.
/// </summary>
sealed class FreezableProxy : IAsyncDisposable
{
    readonly Socket listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    readonly string target;
    readonly CancellationTokenSource disposed = new();
    readonly List<Connection> connections = [];
    readonly Task accepting;

    sealed class Connection(Socket client, Socket upstream)
    {
        public Socket Client { get; } = client;
        public Socket Upstream { get; } = upstream;
        public volatile bool Frozen;
    }

    FreezableProxy(string path, string target)
    {
        this.target = target;
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        Address = new Uri("unix://" + path);
        accepting = AcceptAsync();
    }

    public Uri Address { get; }

    public static FreezableProxy Start(string path, string target) => new(path, target);

    /// <summary>Stops every current connection dead, without closing it.</summary>
    public void Freeze()
    {
        lock (connections)
            foreach (var c in connections) c.Frozen = true;
    }

    async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptAsync(disposed.Token);
                var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await upstream.ConnectAsync(new UnixDomainSocketEndPoint(target), disposed.Token);
                var connection = new Connection(client, upstream);
                lock (connections) connections.Add(connection);
                _ = PumpAsync(connection, client, upstream);
                _ = PumpAsync(connection, upstream, client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    async Task PumpAsync(Connection connection, Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, disposed.Token);
                if (connection.Frozen)
                {
                    // Swallow what arrives from now on and never answer, like a host that lost power.
                    await Task.Delay(Timeout.Infinite, disposed.Token);
                }
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, read), disposed.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        disposed.Cancel();
        listener.Dispose();
        await accepting;
        lock (connections)
        {
            foreach (var c in connections)
            {
                c.Client.Dispose();
                c.Upstream.Dispose();
            }
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace Netfence.Daemon.KernelTests.Processes;

/// <summary>A TCP listener on 0.0.0.0 that accepts and closes every connection, so any 127.x address connects while allowed.</summary>
sealed class AcceptingListener : IAsyncDisposable
{
    readonly Socket socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    readonly CancellationTokenSource stop = new();
    readonly Task accepting;

    public AcceptingListener()
    {
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        socket.Listen(4096);
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        accepting = Task.Run(async () =>
        {
            try
            {
                while (true) (await socket.AcceptAsync(stop.Token)).Dispose();
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        });
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        await accepting;
        socket.Dispose();
    }
}

using System.Net;
using System.Net.Sockets;
using Netfence.Bpf.Netlink;

namespace Netfence.Bench.Datapath;

/// <summary>
/// A TCP listener (on loopback, or in another network namespace) that accepts and closes everything, so its queue
/// never fills while the benchmark opens thousands of connections. Create it before the process moves into a
/// filtered cgroup: accepted sockets belong to the listener's cgroup, so only the client side of each connection
/// meets the filter.
/// </summary>
internal sealed class AcceptingListener : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    /// <param name="address">The address to listen on.</param>
    /// <param name="namespacePath">The network namespace of the socket; null for this process's.</param>
    public AcceptingListener(IPAddress address, string? namespacePath = null)
    {
        _socket = NetworkNamespace.Run(namespacePath, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            _socket.Bind(new IPEndPoint(address, 0));
            _socket.Listen(4096);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        Endpoint = (IPEndPoint)_socket.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptAll);
    }

    public IPEndPoint Endpoint { get; }

    private async Task AcceptAll()
    {
        try
        {
            while (true)
            {
                using var accepted = await _socket.AcceptAsync(_stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _socket.Dispose();
            _stop.Dispose();
        }
    }
}

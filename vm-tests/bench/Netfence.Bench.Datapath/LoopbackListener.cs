using System.Net;
using System.Net.Sockets;

namespace Netfence.Bench.Datapath;

/// <summary>
/// A TCP listener on a loopback address that accepts and closes everything, so its queue never fills while the
/// benchmark opens thousands of connections. Create it before the process moves into a filtered cgroup: accepted
/// sockets belong to the listener's cgroup, so only the client side of each connection meets the filter.
/// </summary>
internal sealed class LoopbackListener : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public LoopbackListener(IPAddress address)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
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

using System.Runtime.Versioning;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Netfence.Bpf.Netlink;

namespace Netfence.Sandbox.Lab;

/// <summary>
/// An HTTP server (TCP) and a UDP echo server on each of a set of addresses inside a namespace, served from this
/// process, recording everything they receive. A blocked flow is one whose token none of them ever saw.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class RecordingServers : IAsyncDisposable
{
    readonly List<Socket> _sockets = [];
    readonly List<Task> _loops = [];
    readonly CancellationTokenSource _stop = new();
    readonly ConcurrentQueue<ServerHit> _hits = new();

    /// <summary>Opens the servers inside <paramref name="namespacePath"/> (sockets keep the namespace they were made in).</summary>
    public RecordingServers(string namespacePath, IEnumerable<(string Name, IPAddress Address)> hosts, int tcpPort, int udpPort)
    {
        TcpPort = tcpPort;
        UdpPort = udpPort;
        try
        {
            foreach (var (name, address) in hosts)
            {
                var tcp = NetworkNamespace.Run(namespacePath, () =>
                {
                    var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    s.Bind(new IPEndPoint(address, tcpPort));
                    s.Listen(64);
                    return s;
                });
                _sockets.Add(tcp);
                var udp = NetworkNamespace.Run(namespacePath, () =>
                {
                    var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    s.Bind(new IPEndPoint(address, udpPort));
                    return s;
                });
                _sockets.Add(udp);
                _loops.Add(Task.Run(() => AcceptLoop(name, tcp)));
                _loops.Add(Task.Run(() => EchoLoop(name, udp)));
            }
        }
        catch
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>The HTTP port on every address.</summary>
    public int TcpPort { get; }

    /// <summary>The UDP echo port on every address.</summary>
    public int UdpPort { get; }

    /// <summary>Everything received so far.</summary>
    public IReadOnlyList<ServerHit> Hits => [.. _hits];

    /// <summary>Whether any server received something containing <paramref name="token"/>.</summary>
    public bool Saw(string token) => _hits.Any(h => h.Payload.Contains(token, StringComparison.Ordinal));

    async Task AcceptLoop(string name, Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeHttp(name, client));
        }
    }

    // HTTP/1.0, one request per connection: the request line is the record, the answer names the host.
    async Task ServeHttp(string name, Socket client)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var received = new StringBuilder();
        var buffer = new byte[2048];
        try
        {
            while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && received.Length < 8192)
            {
                int n = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (n == 0) break;
                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            var requestLine = received.ToString().Split("\r\n")[0];
            _hits.Enqueue(new ServerHit("tcp", (IPEndPoint)client.LocalEndPoint!, (IPEndPoint)client.RemoteEndPoint!, requestLine));
            var body = $"hello from {name}\n";
            await client.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), timeout.Token);
            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // A client that vanished or never finished its request: nothing to answer.
        }
    }

    async Task EchoLoop(string name, Socket socket)
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // an ICMP error from an earlier echo surfaces here; the next datagram is unaffected
            }
            var text = Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes);
            _hits.Enqueue(new ServerHit("udp", (IPEndPoint)socket.LocalEndPoint!, (IPEndPoint)received.RemoteEndPoint, text));
            try
            {
                await socket.SendToAsync(Encoding.UTF8.GetBytes($"echo from {name}: {text}"), SocketFlags.None, received.RemoteEndPoint, _stop.Token);
            }
            catch (SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        foreach (var s in _sockets) s.Dispose();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception) when (_loops.All(l => l.IsCompleted))
        {
            // The loops end by cancellation; their exceptions say nothing more.
        }
        _stop.Dispose();
    }
}

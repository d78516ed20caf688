using System.Net;
using System.Net.Sockets;
using Netfence.Bpf.Netlink;

namespace Netfence.Sandbox;

/// <summary>
/// Real UDP and TCP traffic between namespaces. Sockets are created on a thread inside their
/// namespace (they keep it afterwards) and then used from the test's thread.
/// </summary>
public static class Traffic
{
    /// <summary>
    /// How long a packet that should pass may take (ARP resolution included), or a connection from a client process
    /// the test has just started. Only a failing test ever waits this long, so it is sized for the slowest machine we
    /// run on rather than the typical one: under emulation on a busy host a Python client took over 30 s to connect
    /// (5 s × the guest's slowness factor of 6), which failed a correct program.
    /// </summary>
    public static readonly TimeSpan PassTimeout = Slowness.Scale(TimeSpan.FromSeconds(15));

    /// <summary>
    /// How long to wait before concluding that a packet was dropped. A negative can only be
    /// observed by waiting; tests first prove the path works, so this can be short.
    /// </summary>
    public static readonly TimeSpan DropTimeout = Slowness.Scale(TimeSpan.FromMilliseconds(1500));

    /// <summary>Sends datagrams (IPv4 or IPv6, by the address) from <paramref name="from"/> to address:port in <paramref name="to"/>; true when one arrives in time.</summary>
    public static bool UdpArrives(SandboxNamespace from, SandboxNamespace to, string address, int port, TimeSpan timeout)
    {
        using var receiver = NetworkNamespace.Run(to.Path, () =>
        {
            var s = new Socket(IPAddress.Parse(address).AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            return s;
        });
        using var sender = NetworkNamespace.Run(from.Path, () => new Socket(IPAddress.Parse(address).AddressFamily, SocketType.Dgram, ProtocolType.Udp));
        var target = new IPEndPoint(IPAddress.Parse(address), port);
        var payload = "netfence"u8.ToArray();
        var buffer = new byte[64];
        var end = DateTime.UtcNow + timeout;
        // Resend until one arrives: the first may wait on neighbour resolution.
        while (DateTime.UtcNow < end)
        {
            sender.SendTo(payload, target);
            if (receiver.Poll(TimeSpan.FromMilliseconds(200), SelectMode.SelectRead))
            {
                int n = receiver.Receive(buffer);
                return buffer.AsSpan(0, n).SequenceEqual(payload);
            }
        }
        return false;
    }

    /// <summary>Opens a TCP connection from one namespace to a listener in the other; true when it is established in time.</summary>
    public static bool TcpConnects(SandboxNamespace from, SandboxNamespace to, string address, int port, TimeSpan timeout)
    {
        using var listener = NetworkNamespace.Run(to.Path, () =>
        {
            var s = new Socket(IPAddress.Parse(address).AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            s.Listen(4);
            return s;
        });
        using var client = NetworkNamespace.Run(from.Path, () => new Socket(IPAddress.Parse(address).AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            client.ConnectAsync(new IPEndPoint(IPAddress.Parse(address), port), cts.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            // The kernel gave up on the connect (ETIMEDOUT) before our deadline did: not connected either. Seen on 6.1
            // under emulation with a filter dropping the SYN on the client's own egress, where the wait is 6x longer.
            return false;
        }
        using var accepted = listener.Accept();
        return accepted.Connected;
    }
}

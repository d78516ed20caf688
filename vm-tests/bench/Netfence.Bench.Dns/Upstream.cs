using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Netfence.Dns.Wire;

namespace Netfence.Bench.Dns;

/// <summary>
/// dnsmasq on a random 127.x address, with its cache off and no query log (logging would cost dnsmasq more than the hop
/// being measured). <see cref="Answering"/> answers every name under allowed.test from its own configuration
/// (<c>--address</c>), so nothing it answers depends on a further upstream: the upstream of every configuration.
/// <see cref="ForwardingTo"/> forwards every query to such an upstream: the reference hop, a mature forwarder written in
/// C that filters and learns nothing, measured beside ours on the same machine and the same upstream. <see cref="Relaying"/>
/// is the floor hop, <c>vm-tests/bench/reference/udp_relay.c</c>: it copies datagrams both ways and does nothing else.
/// </summary>
internal sealed class Upstream : IDisposable
{
    public const string Zone = "allowed.test";
    public const string Address = "192.0.2.10";
    readonly Process _process;

    public IPEndPoint Endpoint { get; }

    /// <summary>dnsmasq answering allowed.test itself.</summary>
    public static Upstream Answering() => Dnsmasq([$"--address=/{Zone}/{Address}", "--local-ttl=300"]);

    /// <summary>
    /// dnsmasq forwarding every query to <paramref name="upstream"/> (and nowhere else). As shipped it sends each query
    /// from a fresh random source port (against spoofed answers); with <paramref name="onePort"/> it sends every query
    /// from one socket, as our attachments' event loops do (<c>--query-port</c>).
    /// </summary>
    public static Upstream ForwardingTo(IPEndPoint upstream, bool onePort) =>
        Dnsmasq([$"--server={upstream.Address}#{upstream.Port}", .. onePort ? (string[])[$"--query-port={FreePort(IPAddress.Loopback)}"] : []]);

    /// <summary>
    /// The relay at <paramref name="relay"/> copying datagrams between its clients and <paramref name="upstream"/>, polling
    /// for <paramref name="busyPoll"/> after moving datagrams as the attachments' event loops do.
    /// </summary>
    public static Upstream Relaying(string relay, IPEndPoint upstream, TimeSpan busyPoll) =>
        new(relay, at => [at.Address.ToString(), Invariant(at.Port), upstream.Address.ToString(), Invariant(upstream.Port), Invariant((long)busyPoll.TotalMicroseconds)]);

    static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    static Upstream Dnsmasq(string[] role) => new("dnsmasq", at =>
    [
        "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
        $"--listen-address={at.Address}", $"--port={at.Port}", "--pid-file=", "--cache-size=0",
        .. role, .. Environment.IsPrivilegedProcess ? (string[])["--user=root", "--group=root"] : [],
    ]);

    Upstream(string program, Func<IPEndPoint, string[]> arguments)
    {
        var address = new IPAddress([127, (byte)Random.Shared.Next(1, 250), (byte)Random.Shared.Next(1, 250), (byte)Random.Shared.Next(2, 250)]);
        Endpoint = new IPEndPoint(address, FreePort(address));
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in arguments(Endpoint)) start.ArgumentList.Add(arg);
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        // Whatever fails from here on, the process must not outlive the constructor (a failed run once left one behind).
        try
        {
            if (!Answers(TimeSpan.FromSeconds(10))) throw new InvalidOperationException($"{program} on {Endpoint} did not answer within 10 s");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int ProcessId => _process.Id;

    bool Answers(TimeSpan within)
    {
        var query = DnsMessageWriter.Write(new DnsMessage
        {
            Id = 1,
            Flags = 0x0100,
            Questions = [new DnsQuestion(DnsName.Parse("ready." + Zone), DnsType.A, DnsQuestion.ClassIn)],
        });
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(Endpoint);
        var buffer = new byte[512];
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within && !_process.HasExited)
        {
            try
            {
                socket.Send(query);
                if (socket.Poll(TimeSpan.FromMilliseconds(200), SelectMode.SelectRead) && socket.Receive(buffer) > 0) return true;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // Not listening yet: the port-unreachable of an earlier try surfaces on the next receive or send on a
                // connected socket. Ask again.
            }
        }
        return false;
    }

    static int FreePort(IPAddress address)
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)udp.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}

using System.Runtime.Versioning;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Netfence.Sandbox.Probing;

/// <summary>
/// The program that runs inside a workload (a process in its cgroup, or in its network namespace) and makes the
/// connection attempts asked of it: one JSON <see cref="ProbeRequest"/> per input line, one JSON
/// <see cref="ProbeResult"/> per output line. It is started once per workload, so each attempt costs no process start.
/// </summary>
[SupportedOSPlatform("linux")]
public static class ProbeAgent
{
    /// <summary>How long a DNS answer, a TCP handshake or a UDP echo may take before it counts as dropped.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(1500);

    /// <summary>The wire format of requests and results.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Serves requests from <paramref name="input"/> until it ends.</summary>
    public static void Run(TextReader input, TextWriter output)
    {
        while (input.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            ProbeResult result;
            try
            {
                var request = JsonSerializer.Deserialize<ProbeRequest>(line, Json)
                    ?? throw new FormatException("the request line is JSON null");
                result = Attempt(request);
            }
            catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
            {
                result = new ProbeResult(ProbeOutcome.Failed, null, [], null, $"bad request '{line}': {e.Message}");
            }
            output.WriteLine(JsonSerializer.Serialize(result, Json));
            output.Flush();
        }
    }

    /// <summary>Makes one attempt from this process.</summary>
    public static ProbeResult Attempt(ProbeRequest request)
    {
        string? rcode = null;
        IReadOnlyList<string> addresses = [];
        IPAddress destination;
        if (request.Name is { } name)
        {
            var dns = IPEndPoint.Parse(request.Dns ?? throw new ArgumentException("a request with a name needs a dns server"));
            DnsLookup.Answer answer;
            try
            {
                answer = DnsLookup.Query(dns, name, AttemptTimeout);
            }
            catch (SocketException e)
            {
                return new ProbeResult(Outcome(e), null, [], null, $"DNS query to {dns}: {Describe(e)}");
            }
            rcode = answer.Rcode;
            addresses = [.. answer.Addresses.Select(a => a.ToString())];
            if (rcode == "timeout") return new ProbeResult(ProbeOutcome.DnsTimeout, rcode, addresses, null, $"no answer from {dns}");
            if (rcode != "NOERROR") return new ProbeResult(ProbeOutcome.DnsError, rcode, addresses, null, $"{dns} answered {rcode}");
            if (answer.Addresses.Count == 0) return new ProbeResult(ProbeOutcome.NoAddress, rcode, addresses, null, "no A record");
            destination = answer.Addresses[0];
        }
        else
        {
            destination = IPAddress.Parse(request.Address ?? throw new ArgumentException("a request needs a name or an address"));
        }
        var target = new IPEndPoint(destination, request.Port);
        var (outcome, detail) = request.Protocol switch
        {
            "tcp" => Tcp(target, request),
            "udp" => Udp(target, request.Token),
            var other => throw new ArgumentException($"protocol '{other}' is neither tcp nor udp"),
        };
        return new ProbeResult(outcome, rcode, addresses, destination.ToString(), detail);
    }

    static (ProbeOutcome, string) Tcp(IPEndPoint target, ProbeRequest request)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(AttemptTimeout);
        try
        {
            socket.ConnectAsync(target, timeout.Token).AsTask().GetAwaiter().GetResult();
            var host = request.Name ?? target.Address.ToString();
            socket.Send(Encoding.ASCII.GetBytes($"GET /{request.Token} HTTP/1.0\r\nHost: {host}\r\n\r\n"));
            socket.ReceiveTimeout = (int)AttemptTimeout.TotalMilliseconds;
            var reply = new StringBuilder();
            var buffer = new byte[1024];
            int n;
            while ((n = socket.Receive(buffer)) > 0) reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
            var text = reply.ToString();
            var status = text.Split("\r\n")[0];
            var body = text.Contains("\r\n\r\n", StringComparison.Ordinal) ? text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Trim() : "";
            return (ProbeOutcome.Connected, $"{status}: {body}");
        }
        catch (OperationCanceledException)
        {
            return (ProbeOutcome.TimedOut, $"no TCP handshake within {AttemptTimeout.TotalSeconds:0.#} s");
        }
        catch (SocketException e)
        {
            return (Outcome(e), Describe(e));
        }
    }

    static (ProbeOutcome, string) Udp(IPEndPoint target, string token)
    {
        // Unconnected, as a resolver or a QUIC client sends: sendto() with the destination on every datagram.
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SendTo(Encoding.UTF8.GetBytes(token), target);
            if (!socket.Poll(AttemptTimeout, SelectMode.SelectRead))
                return (ProbeOutcome.TimedOut, $"no echo within {AttemptTimeout.TotalSeconds:0.#} s");
            var buffer = new byte[2048];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int n = socket.ReceiveFrom(buffer, ref from);
            return (ProbeOutcome.Replied, Encoding.UTF8.GetString(buffer, 0, n));
        }
        catch (SocketException e)
        {
            return (Outcome(e), Describe(e));
        }
    }

    static ProbeOutcome Outcome(SocketException e) => e.SocketErrorCode switch
    {
        // cgroup connect/sendmsg programs that deny make the syscall fail with EPERM.
        SocketError.AccessDenied => ProbeOutcome.Denied,
        SocketError.ConnectionRefused => ProbeOutcome.Refused,
        SocketError.TimedOut => ProbeOutcome.TimedOut,
        _ => ProbeOutcome.Failed,
    };

    static string Describe(SocketException e) => e.SocketErrorCode == SocketError.AccessDenied
        ? $"EPERM: {e.Message}"
        : $"{e.SocketErrorCode}: {e.Message}";
}

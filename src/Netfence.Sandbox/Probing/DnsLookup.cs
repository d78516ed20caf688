using System.Runtime.Versioning;
using System.Net;
using System.Net.Sockets;
using Netfence.Dns.Wire;

namespace Netfence.Sandbox.Probing;

/// <summary>One A query over UDP to a given server, the way a stub resolver asks, with a deadline.</summary>
[SupportedOSPlatform("linux")]
public static class DnsLookup
{
    /// <summary>The answer: the rcode by name (NOERROR, REFUSED, NXDOMAIN, ...) or "timeout", and the A records' addresses.</summary>
    public sealed record Answer(string Rcode, IReadOnlyList<IPAddress> Addresses);

    /// <summary>Asks <paramref name="server"/> for the A records of <paramref name="name"/>.</summary>
    /// <exception cref="SocketException">The query could not be sent (e.g. EPERM from a filter).</exception>
    public static Answer Query(IPEndPoint server, string name, TimeSpan timeout)
    {
        var id = (ushort)Random.Shared.Next(ushort.MaxValue);
        var query = DnsMessageWriter.Write(new DnsMessage
        {
            Id = id,
            Flags = 0x0100, // RD
            Questions = [new DnsQuestion(DnsName.Parse(name), DnsType.A, DnsQuestion.ClassIn)],
        });
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.SendTo(query, server);
        var buffer = new byte[4096];
        var end = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = end - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !socket.Poll(left, SelectMode.SelectRead)) return new Answer("timeout", []);
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int n;
            try
            {
                n = socket.ReceiveFrom(buffer, ref from);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return new Answer("port unreachable", []);
            }
            // Only the server's answer to this query counts; anything else on the socket is ignored.
            if (!from.Equals(server) || DnsMessageReader.TryParse(buffer.AsSpan(0, n), out var message) != DnsParseError.None) continue;
            if (message!.Id != id || !message.IsResponse) continue;
            return new Answer(message.Rcode.ToString().ToUpperInvariant(),
                [.. message.Answers.Where(a => a.Type == DnsType.A).Select(a => a.Address!)]);
        }
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Netfence.Dns.Wire;

namespace Netfence.Bench.Dns;

/// <summary>
/// Our latency client: one query outstanding, each answer timed from just before the send to just after the
/// receive. (dnsperf with one query outstanding pauses between queries, so it yields too few samples for a p99.)
/// Every answer must carry the query's id and NOERROR; a lost query fails the run.
/// </summary>
internal static class LatencyProbe
{
    public static List<double> Run(IPEndPoint server, IReadOnlyList<string> names, TimeSpan duration, CancellationToken cancellationToken)
    {
        var queries = names.Select((name, i) => DnsMessageWriter.Write(new DnsMessage
        {
            Id = (ushort)i,
            Flags = 0x0100,
            Questions = [new DnsQuestion(DnsName.Parse(name), DnsType.A, DnsQuestion.ClassIn)],
        })).ToArray();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 2000 };
        socket.Connect(server);
        var buffer = new byte[4096];
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; clock.Elapsed < duration; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var query = queries[i % queries.Length];
            long start = Stopwatch.GetTimestamp();
            socket.Send(query);
            int n;
            try
            {
                n = socket.Receive(buffer);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
                throw new InvalidOperationException($"{server} did not answer {names[i % names.Count]} within 2 s");
            }
            long end = Stopwatch.GetTimestamp();
            if (n < 12 || BinaryPrimitives.ReadUInt16BigEndian(buffer) != (ushort)(i % queries.Length) || (buffer[3] & 0x0F) != 0)
                throw new InvalidOperationException($"{server} answered {names[i % names.Count]} with a wrong id or an error rcode");
            latencies.Add(Stopwatch.GetElapsedTime(start, end).TotalMicroseconds);
        }
        return latencies;
    }
}

using System.Net;
using System.Net.Sockets;
using Netfence.Dns.Wire;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>
/// An upstream DNS server on a loopback UDP port that answers each A question from a script: the records a name's
/// answer holds (CNAMEs and addresses), and NXDOMAIN for a name not in it. It counts what it was asked.
/// </summary>
sealed class ScriptedUpstream : IAsyncDisposable
{
    readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    readonly Dictionary<string, DnsRecord[]> _answers = new(StringComparer.Ordinal);
    readonly CancellationTokenSource _stop = new();
    readonly Task _serving;
    int _asked;

    public ScriptedUpstream()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Endpoint = (IPEndPoint)_socket.LocalEndPoint!;
        _serving = ServeAsync();
    }

    public IPEndPoint Endpoint { get; }

    public int Asked => Volatile.Read(ref _asked);

    /// <summary>Answers <paramref name="question"/> with a CNAME chain through <paramref name="aliases"/> to <paramref name="addresses"/>.</summary>
    public ScriptedUpstream Answer(string question, string[] aliases, params string[] addresses)
    {
        var records = new List<DnsRecord>();
        var owner = DnsName.Parse(question);
        foreach (var alias in aliases)
        {
            var target = DnsName.Parse(alias);
            records.Add(new DnsRecord(owner, DnsType.CNAME, DnsQuestion.ClassIn, 300, target.Wire.ToArray(), target));
            owner = target;
        }
        records.AddRange(addresses.Select(a => DnsRecord.ForAddress(owner, IPAddress.Parse(a), 300)));
        lock (_answers) _answers[question] = [.. records];
        return this;
    }

    async Task ServeAsync()
    {
        var buffer = new byte[65535];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (DnsMessageReader.TryParse(buffer.AsSpan(0, received.ReceivedBytes), out var query) != DnsParseError.None || query!.Questions.Count != 1) continue;
            Interlocked.Increment(ref _asked);
            DnsRecord[]? records;
            lock (_answers) _answers.TryGetValue(query.Questions[0].Name.Text, out records);
            var response = DnsMessage.ResponseTo(query, records is null ? DnsRcode.NxDomain : DnsRcode.NoError);
            if (records is not null) response.Answers.AddRange(records);
            await _socket.SendToAsync(DnsMessageWriter.Write(response), SocketFlags.None, received.RemoteEndPoint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _serving;
        _socket.Dispose();
        _stop.Dispose();
    }
}

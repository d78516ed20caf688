using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Upstream;

/// <summary>
/// One long-lived UDP socket shared by many queries to many upstreams. Each query gets a random id not
/// in flight to the same upstream; an answer is accepted only from that upstream's address, with that
/// id and the same question, so a spoofer must guess id, port and name at once (and a wrong guess
/// leaves the real answer still awaited).
/// </summary>
sealed class UdpChannel : IDisposable
{
    readonly Socket _socket;
    readonly ConcurrentDictionary<(ushort Id, IPEndPoint From), Pending> _pending = new();
    readonly CancellationTokenSource _stop = new();
    readonly ILogger _logger;
    readonly Task _receiver;

    sealed record Pending(DnsQuestion Question, TaskCompletionSource<DnsMessage> Answer);

    public UdpChannel(AddressFamily family, ILogger logger)
    {
        _logger = logger;
        _socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0));
        _receiver = Task.Run(ReceiveLoopAsync);
    }

    public async Task<DnsMessage> QueryAsync(IPEndPoint upstream, DnsMessage query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var question = query.Questions[0];
        var pending = new Pending(question, new TaskCompletionSource<DnsMessage>(TaskCreationOptions.RunContinuationsAsynchronously));
        (ushort, IPEndPoint) key;
        int tries = 0;
        do
        {
            if (++tries > 64) throw new InvalidOperationException($"no free query id towards {upstream}");
            key = ((ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1), upstream);
        }
        while (!_pending.TryAdd(key, pending));
        try
        {
            query.Id = key.Item1;
            var bytes = DnsMessageWriter.Write(query);
            await _socket.SendToAsync(bytes, SocketFlags.None, upstream, cancellationToken).ConfigureAwait(false);
            return await pending.Answer.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    async Task ReceiveLoopAsync()
    {
        var buffer = new byte[DnsMessageWriter.MaxMessageSize];
        EndPoint any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
                var from = (IPEndPoint)received.RemoteEndPoint;
                if (!DnsMessageReader.TryReadHeader(buffer.AsSpan(0, received.ReceivedBytes), out var id, out _)) continue;
                if (!_pending.TryGetValue((id, from), out var pending)) continue;
                if (DnsMessageReader.TryParse(buffer.AsSpan(0, received.ReceivedBytes), out var answer) != DnsParseError.None) continue;
                if (!answer!.IsResponse || answer.Questions.Count != 1 || !SameQuestion(answer.Questions[0], pending.Question)) continue;
                pending.Answer.TrySetResult(answer);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // ICMP errors surface here on some kernels; the query concerned times out and fails over.
                _logger.LogDebug(e, "upstream UDP receive error");
            }
        }
    }

    internal static bool SameQuestion(DnsQuestion a, DnsQuestion b) => a.Type == b.Type && a.Class == b.Class && a.Name.Equals(b.Name);

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _receiver.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}

using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Netfence.Bpf.Netlink;
using Netfence.Dns.Wire;

namespace Netfence.Sandbox.Lab;

/// <summary>
/// An upstream DNS server that lies (pitfall 17): authoritative for one zone, it answers each question under it with
/// whatever its script says — address records for names off the CNAME chain, aliases into denied names, CNAME loops,
/// addresses in the authority and additional sections — things dnsmasq will not serve. UDP and TCP on port 53 of an
/// address inside a namespace (the local internet's, where the zone server delegates the zone to it), served from this
/// process. It records every question, so a test can tell that its hostile answer was really asked for.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class HostileDnsServer : IAsyncDisposable
{
    readonly Func<DnsName, ScriptedAnswer?> _script;
    readonly Socket _udp;
    readonly Socket _tcp;
    readonly CancellationTokenSource _stop = new();
    readonly List<Task> _loops = [];
    readonly ConcurrentQueue<string> _questions = new();

    /// <summary>
    /// Serves <paramref name="zone"/> on <paramref name="address"/>:53 inside <paramref name="namespacePath"/> (the address
    /// must already be on one of its interfaces). A name under the zone gets <paramref name="script"/>'s answer, or
    /// NXDOMAIN when the script has none; any other name is REFUSED.
    /// </summary>
    public HostileDnsServer(string namespacePath, IPAddress address, string zone, Func<DnsName, ScriptedAnswer?> script)
    {
        Zone = DnsName.Parse(zone).Text;
        Endpoint = new IPEndPoint(address, 53);
        _script = script;
        // Sockets keep the namespace they were made in.
        (_udp, _tcp) = NetworkNamespace.Run(namespacePath, () =>
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                udp.Bind(Endpoint);
                tcp.Bind(Endpoint);
                tcp.Listen(16);
                return (udp, tcp);
            }
            catch
            {
                udp.Dispose();
                tcp.Dispose();
                throw;
            }
        });
        _loops.Add(Task.Run(UdpLoop));
        _loops.Add(Task.Run(TcpLoop));
    }

    /// <summary>Where it answers.</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>The zone it owns (canonical: lower case, no trailing dot).</summary>
    public string Zone { get; }

    /// <summary>Every question name it was asked, in order (canonical).</summary>
    public IReadOnlyList<string> QueriedNames => [.. _questions];

    /// <summary>Whether it was asked about <paramref name="name"/>.</summary>
    public bool WasAsked(string name) => _questions.Contains(DnsName.Parse(name).Text);

    /// <summary>The response octets for a query, or null for something that is not one (never answered: no reflection).</summary>
    byte[]? Answer(ReadOnlySpan<byte> packet)
    {
        if (DnsMessageReader.TryParse(packet, out var query) != DnsParseError.None || query!.IsResponse || query.Questions.Count != 1) return null;
        var name = query.Questions[0].Name;
        _questions.Enqueue(name.Text);
        bool ours = name.Text == Zone || name.Text.EndsWith("." + Zone, StringComparison.Ordinal);
        var scripted = ours ? _script(name) : null;
        var response = DnsMessage.ResponseTo(query, !ours ? DnsRcode.Refused : scripted is null ? DnsRcode.NxDomain : DnsRcode.NoError);
        response.Authoritative = ours;
        if (scripted is not null)
        {
            response.Answers.AddRange(scripted.Answers);
            response.Authorities.AddRange(scripted.Authorities ?? []);
            response.Additionals.AddRange(scripted.Additionals ?? []);
        }
        return DnsMessageWriter.Write(response, query.MaxUdpPayload);
    }

    async Task UdpLoop()
    {
        var buffer = new byte[4096];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // an ICMP error from an earlier answer; the next query is unaffected
            }
            if (Answer(buffer.AsSpan(0, received.ReceivedBytes)) is not { } response) continue;
            try
            {
                await _udp.SendToAsync(response, SocketFlags.None, received.RemoteEndPoint, _stop.Token);
            }
            catch (SocketException)
            {
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    async Task TcpLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _tcp.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeTcp(client));
        }
    }

    // RFC 7766: each message behind a two-octet length; a client may send several on one connection.
    async Task ServeTcp(Socket client)
    {
        using var _ = client;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            var length = new byte[2];
            while (true)
            {
                idle.CancelAfter(TimeSpan.FromSeconds(10));
                if (!await ReceiveExactly(client, length, idle.Token)) return;
                var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                if (!await ReceiveExactly(client, message, idle.Token)) return;
                if (Answer(message) is not { } response) return;
                var framed = new byte[2 + response.Length];
                BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)response.Length);
                response.CopyTo(framed, 2);
                await client.SendAsync(framed, SocketFlags.None, idle.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // A client that went quiet or vanished: the connection simply ends.
        }
    }

    static async Task<bool> ReceiveExactly(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _udp.Dispose();
        _tcp.Dispose();
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

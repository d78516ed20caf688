using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Tests.Support;

/// <summary>
/// A real dnsmasq on a random 127.x.y.z address and port, serving a test zone and logging every query
/// it receives to a file, so tests can assert on what reached the upstream.
/// </summary>
sealed class Dnsmasq : IDisposable
{
    public static readonly string BigTxt = new('t', 200);
    /// <summary>How many A records wide.test has (192.0.2.101 and up).</summary>
    public const int WideCount = 6;
    readonly Process _process;
    readonly string _directory;

    public IPEndPoint Endpoint { get; }
    public string LogPath { get; }

    /// <summary>Starts dnsmasq with the test zone, plus <paramref name="extraArguments"/> (more records, options).</summary>
    public Dnsmasq(params IEnumerable<string> extraArguments)
    {
        var address = new IPAddress([127, (byte)Random.Shared.Next(1, 250), (byte)Random.Shared.Next(1, 250), (byte)Random.Shared.Next(2, 250)]);
        Endpoint = new IPEndPoint(address, FreePort(address));
        _directory = Directory.CreateTempSubdirectory("nft-dnsmasq-").FullName;
        LogPath = Path.Combine(_directory, "queries.log");
        var args = new List<string>
        {
            "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
            $"--listen-address={address}", $"--port={Endpoint.Port}", "--pid-file=", "--log-queries", $"--log-facility={LogPath}",
            "--address=/allowed.test/192.0.2.10", "--address=/denied.test/192.0.2.66", "--address=/other.test/192.0.2.77",
            "--host-record=target.test,192.0.2.20", "--cname=alias.test,target.test",
            "--address=/rebind.test/10.0.0.5", "--address=/meta.test/169.254.169.254",
            "--host-record=v6.test,2001:db8::1", "--local-ttl=300",
            // Aliases into a zone a later rule may deny (AliasRevocationTests): a CDN-style alias, an alias to that zone's
            // apex, and another name with the alias target's address.
            "--host-record=edge.tracker.test,192.0.2.30", "--cname=cdn.shop.test,edge.tracker.test",
            "--host-record=tracker.test,192.0.2.31", "--cname=apex.shop.test,tracker.test",
            "--host-record=direct.test,192.0.2.30",
        };
        for (int i = 0; i < 20; i++) args.Add($"--txt-record=big.test,{(char)('a' + i)}{BigTxt}");
        for (int i = 1; i <= WideCount; i++) args.Add($"--host-record=wide.test,192.0.2.{100 + i}");
        args.AddRange(extraArguments);
        if (Environment.UserName == "root") args.AddRange(["--user=root", "--group=root"]);
        var start = new ProcessStartInfo("dnsmasq") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        _process = Process.Start(start) ?? throw new InvalidOperationException("dnsmasq did not start");
        if (!WaitReady())
        {
            // The fixture is not disposed when its constructor throws: stop the process here.
            Dispose();
            throw new InvalidOperationException($"dnsmasq on {Endpoint} did not answer within 10 s");
        }
    }

    bool WaitReady()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            var answer = Queries.UdpAsync(Endpoint, Queries.Bytes("ready.allowed.test"), TimeSpan.FromMilliseconds(200)).GetAwaiter().GetResult();
            if (answer is not null) return true;
        }
        return false;
    }

    /// <summary>The names dnsmasq was asked about, from its query log.</summary>
    public IReadOnlyList<string> QueriedNames()
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var names = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            int at = line.IndexOf("query[", StringComparison.Ordinal);
            if (at < 0) continue;
            var rest = line[(line.IndexOf(']', at) + 2)..];
            names.Add(rest[..rest.IndexOf(' ')]);
        }
        return names;
    }

    static int FreePort(IPAddress address)
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(address, 0));
        int port = ((IPEndPoint)udp.LocalEndPoint!).Port;
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        tcp.Bind(new IPEndPoint(address, port));
        return port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>One dnsmasq for a test class.</summary>
public sealed class DnsmasqFixture : IDisposable
{
    internal Dnsmasq Upstream { get; } = new();
    public void Dispose() => Upstream.Dispose();
}

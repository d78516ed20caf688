using System.Runtime.Versioning;
using System.Diagnostics;
using System.Net;
using Netfence.Sandbox.Probing;

namespace Netfence.Sandbox.Lab;

/// <summary>
/// dnsmasq inside a namespace, authoritative for a handful of names (exact names only: a subdomain of a listed name
/// is NXDOMAIN, never the parent's address), with every query it receives logged — so "the upstream was never asked"
/// is something a demo or test can check.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ZoneServer : IDisposable
{
    readonly Process _process;
    readonly string _directory;

    /// <summary>Starts dnsmasq in <paramref name="ns"/> on <paramref name="address"/>:53 answering <paramref name="records"/>.</summary>
    /// <param name="ns">Where it runs.</param>
    /// <param name="address">Its listening address (already on an interface of the namespace).</param>
    /// <param name="domain">The zone: names under it that are not in <paramref name="records"/> are NXDOMAIN, never forwarded.</param>
    /// <param name="records">Name → IPv4 address (A records).</param>
    /// <param name="delegations">Subzones of <paramref name="domain"/> forwarded to another server (e.g. a <see cref="HostileDnsServer"/>) instead of answered here.</param>
    /// <param name="aliases">CNAME records, alias → target (a name of <paramref name="records"/>).</param>
    public ZoneServer(SandboxNamespace ns, IPAddress address, string domain, IEnumerable<(string Name, IPAddress Address)> records,
        IEnumerable<(string Zone, IPEndPoint Server)>? delegations = null, IEnumerable<(string Alias, string Target)>? aliases = null)
    {
        Endpoint = new IPEndPoint(address, 53);
        _directory = Directory.CreateTempSubdirectory(UniqueName.Prefix + "-zone-").FullName;
        LogPath = Path.Combine(_directory, "queries.log");
        var args = new List<string>
        {
            "netns", "exec", ns.Name, "dnsmasq",
            "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
            $"--listen-address={address}", "--port=53", "--pid-file=", "--log-queries", $"--log-facility={LogPath}",
            $"--local=/{domain}/", "--local-ttl=60", "--user=root", "--group=root",
        };
        args.AddRange(records.Select(r => $"--host-record={r.Name},{r.Address}"));
        args.AddRange((aliases ?? []).Select(a => $"--cname={a.Alias},{a.Target}"));
        // dnsmasq picks the longest matching domain, so a delegated subzone wins over --local for the whole zone.
        args.AddRange((delegations ?? []).Select(d => $"--server=/{d.Zone}/{d.Server.Address}#{d.Server.Port}"));
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        _process = Process.Start(start) ?? throw new InvalidOperationException("dnsmasq did not start");
        try
        {
            var probe = records.First().Name;
            Poll.Require(() => _process.HasExited || DnsLookup.Query(Endpoint, probe, TimeSpan.FromMilliseconds(300)).Rcode == "NOERROR",
                TimeSpan.FromSeconds(10), $"dnsmasq on {Endpoint} to answer");
            if (_process.HasExited)
                throw new InvalidOperationException($"dnsmasq exited with {_process.ExitCode}: {_process.StandardError.ReadToEnd().Trim()}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Where it answers.</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>dnsmasq's query log.</summary>
    public string LogPath { get; }

    /// <summary>The names dnsmasq was asked about, in order, from its query log.</summary>
    public IReadOnlyList<string> QueriedNames()
    {
        if (!File.Exists(LogPath)) return [];
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var names = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            // "... query[A] allowed.example from 198.18.7.1"
            int at = line.IndexOf("query[", StringComparison.Ordinal);
            if (at < 0) continue;
            var rest = line[(line.IndexOf(']', at) + 2)..];
            names.Add(rest[..rest.IndexOf(' ')]);
        }
        return names;
    }

    /// <summary>Whether dnsmasq was ever asked about <paramref name="name"/>.</summary>
    public bool WasAsked(string name) => QueriedNames().Contains(name, StringComparer.OrdinalIgnoreCase);

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}

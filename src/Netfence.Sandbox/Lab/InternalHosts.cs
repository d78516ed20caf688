using System.Net;
using System.Runtime.Versioning;

namespace Netfence.Sandbox.Lab;

/// <summary>
/// Recording servers on internal addresses — the cloud metadata service (169.254.169.254), a private address a DNS
/// rebinding answer points at — inside the local internet, so that "blocked" for them has the same evidence as for any
/// other host: the server never saw it, while a workload whose policy allows the address does reach it. Such addresses
/// are fixed, may already be routed somewhere by this host (a real metadata service), and another lab may serve them at
/// the same time, so the host does not route them as a whole: a rule sends only packets to the lab's own
/// <see cref="Port"/> on them through a routing table of the lab's own, to the internet. Removed on dispose.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class InternalHosts : IAsyncDisposable
{
    readonly LocalInternet _internet;
    readonly List<IPAddress> _routed = [];
    readonly List<IPAddress> _ruled = [];
    RecordingServers? _servers;

    InternalHosts(LocalInternet internet, IReadOnlyList<InternetHost> hosts)
    {
        _internet = internet;
        Hosts = hosts;
        // Both derive from the lab's N, which no other lab on this host holds (LabNetwork.Pick).
        Port = 20000 + internet.Network.Index;
        Table = 0x4e46_0000 + internet.Network.Index;
    }

    /// <summary>The HTTP and UDP echo port of every internal server; the only port the host routes to them.</summary>
    public int Port { get; }

    /// <summary>The lab's routing table.</summary>
    public int Table { get; }

    /// <summary>The servers' names and addresses.</summary>
    public IReadOnlyList<InternetHost> Hosts { get; }

    /// <summary>What the internal servers received.</summary>
    public RecordingServers Servers => _servers!;

    /// <summary>Serves <paramref name="hosts"/> (name → address; none inside the internet's own prefix) in <paramref name="internet"/>.</summary>
    public static InternalHosts Start(LocalInternet internet, IReadOnlyDictionary<string, IPAddress> hosts)
    {
        var list = hosts.Select(h => new InternetHost(h.Key, h.Value)).ToList();
        var made = new InternalHosts(internet, list);
        try
        {
            foreach (var host in list)
            {
                Command.Run("ip", "-n", internet.Namespace.Name, "addr", "add", $"{host.Address}/32", "dev", "lo");
                Command.Run("ip", "route", "add", $"{host.Address}/32", "via", internet.Network.InternetGateway.ToString(), "dev", internet.HostDevice,
                    "table", made.Table.ToString());
                made._routed.Add(host.Address);
                // A rule left by a lab that was killed would make the add fail; it can only be this lab's N's own.
                while (Command.Try("ip", made.Rule("del", host.Address)).ExitCode == 0) { }
                Command.Run("ip", made.Rule("add", host.Address));
                made._ruled.Add(host.Address);
            }
            made._servers = new RecordingServers(internet.Namespace.Path, list.Select(h => (h.ToString(), h.Address)), made.Port, made.Port);
            return made;
        }
        catch
        {
            made.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    // For packets forwarded from a VM and for the host's own: the reverse-path check of a reply looks the same rule up
    // with the ports swapped, so replies pass strict rp_filter too.
    string[] Rule(string verb, IPAddress address) => ["rule", verb, "to", $"{address}/32", "dport", Port.ToString(), "table", Table.ToString()];

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_servers is not null) await _servers.DisposeAsync();
        }
        finally
        {
            var errors = new List<string>();
            foreach (var address in _ruled)
            {
                var rule = Command.Try("ip", Rule("del", address));
                if (rule.ExitCode != 0) errors.Add($"ip rule to {address} dport {Port}: {rule.StdErr.Trim()}");
            }
            foreach (var address in _routed)
            {
                // The route goes with the internet's veth; removing it here keeps the table empty while the internet lives on.
                var route = Command.Try("ip", "route", "del", $"{address}/32", "table", Table.ToString());
                if (route.ExitCode != 0 && !route.StdErr.Contains("No such process", StringComparison.Ordinal))
                    errors.Add($"ip route {address} table {Table}: {route.StdErr.Trim()}");
            }
            _ruled.Clear();
            _routed.Clear();
            if (errors.Count > 0) throw new InvalidOperationException($"removing the internal hosts' routing failed: {string.Join("; ", errors)}");
        }
    }
}

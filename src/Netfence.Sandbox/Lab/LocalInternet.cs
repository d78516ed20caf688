using System.Runtime.Versioning;
using System.Net;

namespace Netfence.Sandbox.Lab;

/// <summary>
/// A small "internet" on this host (there is no real one here): a network namespace reached from the host over a
/// veth pair and a route for <see cref="LabNetwork.InternetPrefix"/>, holding a DNS zone (dnsmasq) whose A records
/// point at addresses inside it, and an HTTP and a UDP echo server on each of those addresses that record what they
/// receive. Workloads on the host (cgroups) reach it directly; namespaced workloads through the host, which forwards
/// for them (<see cref="NamespacedWorkload"/>). Everything is removed on dispose, also when set-up fails half-way.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LocalInternet : IAsyncDisposable
{
    /// <summary>The port of every host's HTTP server.</summary>
    public const int HttpPort = 80;

    /// <summary>The port of every host's UDP echo server.</summary>
    public const int UdpEchoPort = 7;

    /// <summary>The last octet of the zone's DNS server.</summary>
    public const int DnsHost = 53;

    readonly SandboxNamespace _namespace;
    readonly string _hostDevice;
    ZoneServer? _zone;
    RecordingServers? _servers;

    LocalInternet(LabNetwork network, SandboxNamespace ns, string hostDevice, IReadOnlyList<InternetHost> hosts)
    {
        Network = network;
        _namespace = ns;
        _hostDevice = hostDevice;
        Hosts = hosts;
    }

    /// <summary>The lab's address plan.</summary>
    public LabNetwork Network { get; }

    /// <summary>The internet's namespace.</summary>
    public SandboxNamespace Namespace => _namespace;

    /// <summary>The host's end of the veth to the internet.</summary>
    public string HostDevice => _hostDevice;

    /// <summary>The hosts, named and unnamed.</summary>
    public IReadOnlyList<InternetHost> Hosts { get; }

    /// <summary>The zone's DNS server (an upstream for netfenced).</summary>
    public ZoneServer Dns => _zone!;

    /// <summary>The recording servers: what reached the internet.</summary>
    public RecordingServers Servers => _servers!;

    /// <summary>The host called <paramref name="name"/>.</summary>
    public InternetHost Host(string name) =>
        Hosts.SingleOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"the local internet has no host named '{name}' (it has {string.Join(", ", Hosts)})", nameof(name));

    /// <summary>
    /// Builds the internet: <paramref name="hosts"/> maps a last octet of <see cref="LabNetwork.InternetPrefix"/> to
    /// a DNS name under <paramref name="domain"/> (or null for an address without a name). <paramref name="pointers"/>
    /// are further A records with no server behind them, pointing anywhere (e.g. a public name answering with an
    /// internal address, as in DNS rebinding). <paramref name="delegations"/> are subzones the zone forwards to another
    /// server (a <see cref="HostileDnsServer"/> on one of the hosts' addresses, started once the internet is up).
    /// <paramref name="aliases"/> are CNAME records (alias → target), each target a name of <paramref name="hosts"/> or
    /// <paramref name="pointers"/>: the zone answers an alias with the CNAME and the target's A record.
    /// </summary>
    public static async Task<LocalInternet> StartAsync(LabNetwork network, string domain, IReadOnlyDictionary<int, string?> hosts,
        IReadOnlyDictionary<string, IPAddress>? pointers = null, IReadOnlyDictionary<string, IPEndPoint>? delegations = null,
        IReadOnlyDictionary<string, string>? aliases = null)
    {
        if (hosts.ContainsKey(DnsHost)) throw new ArgumentException($".{DnsHost} is the zone's DNS server", nameof(hosts));
        var list = hosts.OrderBy(h => h.Key).Select(h => new InternetHost(h.Value, network.Internet(h.Key))).ToList();
        foreach (var h in list.Where(h => h.Name is not null))
        {
            if (!InZone(h.Name!, domain)) throw new ArgumentException($"'{h.Name}' is not under the zone's domain '{domain}'", nameof(hosts));
        }
        var named = list.Select(h => h.Name).OfType<string>().Concat((pointers ?? new Dictionary<string, IPAddress>()).Keys).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (alias, target) in aliases ?? new Dictionary<string, string>())
        {
            if (!InZone(alias, domain)) throw new ArgumentException($"the alias '{alias}' is not under the zone's domain '{domain}'", nameof(aliases));
            if (named.Contains(alias)) throw new ArgumentException($"'{alias}' is both an alias and a name with an address", nameof(aliases));
            // dnsmasq answers a CNAME only for a target it holds records for.
            if (!named.Contains(target)) throw new ArgumentException($"the alias '{alias}' points at '{target}', which is none of the zone's names", nameof(aliases));
        }
        var ns = new SandboxNamespace();
        var internet = new LocalInternet(network, ns, ns.Name + "h", list);
        try
        {
            // Replies to namespaced workloads arrive on the host end and are forwarded on to them.
            HostDevices.CreateRoutedVeth(internet._hostDevice, network.HostToInternet, ns, ns.Name + "i", network.InternetGateway);
            foreach (var address in list.Select(h => h.Address).Append(network.Internet(DnsHost)))
                Command.Run("ip", "-n", ns.Name, "addr", "add", $"{address}/32", "dev", "lo");
            Command.Run("ip", "route", "add", network.InternetPrefix, "via", network.InternetGateway.ToString(), "dev", internet._hostDevice);

            internet._zone = new ZoneServer(ns, network.Internet(DnsHost), domain,
                list.Where(h => h.Name is not null).Select(h => (h.Name!, h.Address))
                    .Concat((pointers ?? new Dictionary<string, IPAddress>()).Select(p => (p.Key, p.Value))),
                delegations?.Select(d => (d.Key, d.Value)), aliases?.Select(a => (a.Key, a.Value)));
            internet._servers = new RecordingServers(ns.Path, list.Select(h => (h.ToString(), h.Address)), HttpPort, UdpEchoPort);
            return internet;
        }
        catch
        {
            await internet.DisposeAsync();
            throw;
        }
    }

    static bool InZone(string name, string domain) =>
        name.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase) || string.Equals(name, domain, StringComparison.OrdinalIgnoreCase);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_servers is not null) await _servers.DisposeAsync();
        }
        finally
        {
            try
            {
                _zone?.Dispose();
            }
            finally
            {
                // Deleting the namespace deletes the veth pair and with it the route through it.
                _namespace.Dispose();
                HostDevices.DeleteIfPresent(_hostDevice);
            }
        }
    }
}

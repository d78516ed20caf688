using System.Runtime.Versioning;
using System.Net;

namespace Netfence.Sandbox.Lab;

/// <summary>
/// The address plan of one lab, all inside 198.18.0.0/15 (the benchmarking range: routed nowhere, and not an
/// "internal" range to the DNS server's rebinding protection, so names may resolve into it):
/// <list type="bullet">
/// <item>198.19.<c>N</c>.0/24 — the local internet's hosts (its DNS server at .53);</item>
/// <item>198.18.<c>N</c>.0/30 — the link from the host to the internet (host .1, internet .2);</item>
/// <item>198.18.<c>N</c>.4k/30 for k ≥ 1 — the link to the k-th namespaced workload (host .4k+1, workload .4k+2).</item>
/// </list>
/// <c>N</c> is picked per lab among those no route or address of this host uses yet, so labs of parallel runs
/// (and other suites' random 198.18/15 subnets) stay apart.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LabNetwork
{
    int _nextLink;

    LabNetwork(int index) => Index = index;

    /// <summary>The lab's N.</summary>
    public int Index { get; }

    /// <summary>The internet's prefix, as a CIDR.</summary>
    public string InternetPrefix => $"198.19.{Index}.0/24";

    /// <summary>The host's end of the link to the internet.</summary>
    public IPAddress HostToInternet => IPAddress.Parse($"198.18.{Index}.1");

    /// <summary>The internet's end of the link from the host.</summary>
    public IPAddress InternetGateway => IPAddress.Parse($"198.18.{Index}.2");

    /// <summary>An internet host's address: 198.19.N.<paramref name="host"/>.</summary>
    public IPAddress Internet(int host)
    {
        if (host is < 1 or > 254) throw new ArgumentOutOfRangeException(nameof(host), host, "an internet host is .1 to .254");
        return IPAddress.Parse($"198.19.{Index}.{host}");
    }

    /// <summary>The next free /30 for a namespaced workload: (host end, workload end).</summary>
    public (IPAddress Host, IPAddress Workload) NextWorkloadLink()
    {
        int k = Interlocked.Increment(ref _nextLink);
        if (k > 63) throw new InvalidOperationException("a lab has room for 63 namespaced workloads");
        return (IPAddress.Parse($"198.18.{Index}.{4 * k + 1}"), IPAddress.Parse($"198.18.{Index}.{4 * k + 2}"));
    }

    /// <summary>Picks an N that no address or route of this host mentions.</summary>
    public static LabNetwork Pick()
    {
        var inUse = Command.Run("ip", "-4", "route", "show", "table", "all") + Command.Run("ip", "-4", "-o", "addr", "show");
        foreach (var n in Enumerable.Range(0, 256).OrderBy(_ => Random.Shared.Next()))
        {
            if (!inUse.Contains($"198.18.{n}.", StringComparison.Ordinal) && !inUse.Contains($"198.19.{n}.", StringComparison.Ordinal))
                return new LabNetwork(n);
        }
        throw new InvalidOperationException("every 198.18.N.0/24 and 198.19.N.0/24 is in use on this host: no room for another lab");
    }
}

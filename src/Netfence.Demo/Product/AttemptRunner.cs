using System.Net;
using Netfence.Sandbox;
using Netfence.Sandbox.Lab;
using Netfence.Sandbox.Probing;

namespace Netfence.Demo.Product;

/// <summary>
/// Runs an <see cref="Attempt"/> from inside a workload and gathers the evidence from the other end: each attempt
/// carries a fresh token that the internet's servers record if it reaches them, and the zone's query log says whether
/// the upstream was asked about the name while it ran.
/// </summary>
sealed class AttemptRunner(LocalInternet internet)
{
    readonly string _run = UniqueName.Next();
    int _next;

    public async Task<Observation> RunAsync(ProbeAgentProcess agent, IPEndPoint dns, Attempt attempt, CancellationToken cancellationToken)
    {
        var token = $"{_run}-{Interlocked.Increment(ref _next)}";
        int asked = attempt.Name is { } name ? Asked(name) : 0;
        int port = attempt.Protocol == "tcp" ? LocalInternet.HttpPort : LocalInternet.UdpEchoPort;
        var result = await agent.AttemptAsync(new ProbeRequest(attempt.Protocol, attempt.Name, attempt.Address, port, dns.ToString(), token), cancellationToken);
        bool upstreamAsked = attempt.Name is { } n && Asked(n) > asked;
        return new Observation(attempt, result, internet.Servers.Saw(token), upstreamAsked);
    }

    int Asked(string name) => internet.Dns.QueriedNames().Count(q => string.Equals(q, name, StringComparison.OrdinalIgnoreCase));
}

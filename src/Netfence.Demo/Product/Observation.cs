using Netfence.Sandbox.Probing;

namespace Netfence.Demo.Product;

/// <summary>
/// What one attempt did, from both ends: the workload's result, whether the destination's server recorded the
/// attempt's token, and whether the zone's upstream DNS server was asked about the name meanwhile.
/// </summary>
sealed record Observation(Attempt Attempt, ProbeResult Result, bool ServerSawIt, bool UpstreamAsked)
{
    /// <summary>What actually happened, in the terms of <see cref="Expected"/>; null when it fits none of them.</summary>
    public Expected? Actual => Result.Outcome switch
    {
        ProbeOutcome.Connected or ProbeOutcome.Replied when ServerSawIt => Expected.Allowed,
        ProbeOutcome.DnsError when Result.Rcode == "REFUSED" && !UpstreamAsked && !ServerSawIt => Expected.DnsRefused,
        ProbeOutcome.Denied when !ServerSawIt => Expected.Denied,
        ProbeOutcome.TimedOut when !ServerSawIt => Expected.Dropped,
        _ => null,
    };

    /// <summary>Whether it went as expected.</summary>
    public bool AsExpected => Actual == Attempt.Expected;
}

using Netfence.Dns.Wire;

namespace Netfence.Dns.Upstream;

/// <summary>An upstream's answer, or why there was none.</summary>
public readonly record struct UpstreamResult(DnsMessage? Answer, string? Failure)
{
    /// <summary>Whether an answer arrived.</summary>
    public bool Succeeded => Answer is not null;
}

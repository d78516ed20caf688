using System.Net;

namespace Netfence.Policy.Rules;

/// <summary>
/// A destination learned from a DNS answer for an allowed name. It expires (pitfall 11) and is tied to
/// the domain that taught it so that removing or denying the domain revokes it.
/// </summary>
public sealed record LearnedIp(IPAddress Address, string Domain, DateTimeOffset ExpiresAt)
{
    /// <summary>Whether the entry no longer applies at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt <= now;
}

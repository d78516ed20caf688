namespace Netfence.Demo.Product;

/// <summary>One connection attempt of the demo's script: what a workload tries, what should happen, and why.</summary>
/// <param name="Protocol">"tcp" (an HTTP request) or "udp" (a datagram to the echo server).</param>
/// <param name="Name">A name resolved through the attachment's DNS server first, or null.</param>
/// <param name="Address">The destination when there is no name.</param>
/// <param name="Expected">What should happen.</param>
/// <param name="Why">The policy's reason, shown beside the result.</param>
sealed record Attempt(string Protocol, string? Name, string? Address, Expected Expected, string Why)
{
    /// <summary>e.g. <c>TCP allowed.example</c> or <c>UDP 198.19.7.30</c>.</summary>
    public string Describe() => $"{Protocol.ToUpperInvariant()} {Name ?? Address}";
}

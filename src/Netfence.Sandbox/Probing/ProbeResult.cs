namespace Netfence.Sandbox.Probing;

/// <summary>What a probe agent saw for one <see cref="ProbeRequest"/>.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Rcode">The DNS answer's rcode by name, when a name was resolved.</param>
/// <param name="Addresses">The addresses the name resolved to.</param>
/// <param name="Destination">The address the flow went to (resolved or given).</param>
/// <param name="Detail">The server's reply, or the error (errno name and message).</param>
public sealed record ProbeResult(ProbeOutcome Outcome, string? Rcode, IReadOnlyList<string> Addresses, string? Destination, string Detail);

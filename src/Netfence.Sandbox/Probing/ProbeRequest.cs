namespace Netfence.Sandbox.Probing;

/// <summary>
/// One connection attempt for a probe agent inside a workload: resolve <see cref="Name"/> through <see cref="Dns"/>
/// (or go straight to <see cref="Address"/>), then send <see cref="Token"/> over TCP (as an HTTP request) or UDP.
/// </summary>
/// <param name="Protocol">"tcp" or "udp".</param>
/// <param name="Name">A DNS name to resolve first; null to use <paramref name="Address"/>.</param>
/// <param name="Address">The destination when there is no name.</param>
/// <param name="Port">The destination port.</param>
/// <param name="Dns">The DNS server ("ip:port") that resolves <paramref name="Name"/>.</param>
/// <param name="Token">A unique string the destination's server records if the flow reaches it.</param>
public sealed record ProbeRequest(string Protocol, string? Name, string? Address, int Port, string? Dns, string Token);

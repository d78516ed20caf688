using System.Net;

namespace Netfence.Sandbox.Lab;

/// <summary>What one of the internet's servers received: the evidence that a flow got through (or, by its absence, did not).</summary>
/// <param name="Protocol">"tcp" or "udp".</param>
/// <param name="Server">The address and port that received it.</param>
/// <param name="From">The sender.</param>
/// <param name="Payload">The HTTP request line, or the datagram's text.</param>
public sealed record ServerHit(string Protocol, IPEndPoint Server, IPEndPoint From, string Payload);

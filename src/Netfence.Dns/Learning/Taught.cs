using System.Net;

namespace Netfence.Dns.Learning;

/// <summary>One address an answer teaches, until when, and through which names (<see cref="TeachingChain"/>).</summary>
public readonly record struct Taught(IPAddress Address, DateTimeOffset ExpiresAt, TeachingChain Chain);

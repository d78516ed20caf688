namespace Netfence.Daemon.Configuration;

/// <summary>TLS towards the control plane (https addresses only).</summary>
/// <param name="CaFile">PEM file of CAs that verify the server, or null for the system store.</param>
/// <param name="CertFile">PEM client certificate, or null.</param>
/// <param name="KeyFile">PEM key of <paramref name="CertFile"/>, or null.</param>
/// <param name="ServerName">The name the server certificate must carry, or null for the address's host.</param>
public sealed record TlsSettings(string? CaFile, string? CertFile, string? KeyFile, string? ServerName);

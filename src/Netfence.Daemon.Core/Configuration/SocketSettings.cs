namespace Netfence.Daemon.Configuration;

/// <summary>The local API socket.</summary>
/// <param name="Path">The unix socket path.</param>
/// <param name="Group">A group allowed to use the socket, or null for root only.</param>
public sealed record SocketSettings(string Path, string? Group);

namespace Netfence.Daemon.Configuration;

/// <summary>The local API socket.</summary>
/// <param name="Path">The unix socket path.</param>
/// <param name="Group">A group allowed to use the socket, or null for root only.</param>
/// <param name="TcpAddress">An explicitly configured TCP endpoint to serve the API on as well, or null (the default).</param>
public sealed record SocketSettings(string Path, string? Group, System.Net.IPEndPoint? TcpAddress = null);

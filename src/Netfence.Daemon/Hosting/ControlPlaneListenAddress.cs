using System.Net;

namespace Netfence.Daemon.Hosting;

/// <summary>
/// Where the built-in control plane serves: an absolute unix socket path (written as such or as unix:///path), or
/// ip:port. One parser for <c>netfenced controlplane --listen</c> (where a malformed one is a usage error, exit 2)
/// and the in-process control plane of <c>netfenced start</c>.
/// </summary>
/// <param name="SocketPath">The unix socket path, or null for TCP.</param>
/// <param name="Tcp">The TCP endpoint, or null for a unix socket.</param>
public sealed record ControlPlaneListenAddress(string? SocketPath, IPEndPoint? Tcp)
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">It is neither form; the message quotes it and shows both.</exception>
    public static ControlPlaneListenAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var path = text.StartsWith("unix://", StringComparison.Ordinal) ? text["unix://".Length..] : text;
        if (path.StartsWith('/')) return new ControlPlaneListenAddress(path, null);
        if (IPEndPoint.TryParse(text, out var tcp) && tcp.Port > 0) return new ControlPlaneListenAddress(null, tcp);
        throw new FormatException($"'{text}' is neither an absolute unix socket path (/run/netfence-control.sock, unix:///run/...) nor ip:port (127.0.0.1:9090)");
    }

    /// <summary>The address daemons put in control_plane.address to reach it.</summary>
    public Uri Uri => SocketPath is not null ? new Uri("unix://" + SocketPath) : new Uri($"http://{Tcp}");

    /// <inheritdoc />
    public override string ToString() => SocketPath ?? Tcp!.ToString();
}

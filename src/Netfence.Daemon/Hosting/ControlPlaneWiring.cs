using Microsoft.Extensions.Logging;
using Netfence.Daemon.Configuration;
using Netfence.Daemon.ControlPlane;
using Netfence.Dns.Proxy;

namespace Netfence.Daemon.Hosting;

/// <summary>
/// Where netfenced gets its control-plane link. The stream client (IControlPlaneLink, in
/// Netfence.Daemon.Core/ControlPlane) is being written on another branch; until it is merged, a daemon with
/// control_plane.address set refuses to start rather than pretend to be connected. The merge replaces the throw
/// below with the link's construction (given the attachment host) and the QueryDns client for proxy mode.
/// </summary>
static class ControlPlaneWiring
{
    public static (Func<IAttachmentHost, IControlPlaneLink>? Link, IDnsControlPlane? DnsControlPlane) Create(DaemonConfiguration configuration, ILoggerFactory loggers)
    {
        if (configuration.ControlPlane.Address is not { } address) return (null, null);
        throw new StartupException($"control_plane.address is set ({address}), but this build of netfenced has no control-plane client; " +
            "unset control_plane.address to run standalone");
    }
}

using Microsoft.Extensions.Logging;
using Netfence.Daemon.Configuration;
using Netfence.Daemon.ControlPlane;
using Netfence.Daemon.Store;
using Netfence.Dns.Proxy;
using Netfence.Dns.Serving;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Hosting;

/// <summary>
/// netfenced's control-plane link: a <see cref="ControlPlaneLink"/> to control_plane.address, created for the
/// attachment manager (it is the host the link applies commands to), started once the manager has restored its
/// attachments (so the first SyncRequest lists them) and stopped with the daemon. Also the DNS servers' proxy-mode
/// client, which asks over the link's channel.
/// </summary>
/// <remarks>
/// The DNS servers are created before the manager, and the manager before the link, so the proxy-mode client is
/// this object and reaches the link once it exists (no attachment, hence no DNS query, exists before).
/// </remarks>
sealed class ControlPlaneWiring : IDnsControlPlane, IAsyncDisposable
{
    readonly ControlPlaneSettings _settings;
    readonly ControlPlane.DaemonIdentity _identity;
    readonly TimeSpan _dnsTimeout;
    readonly ILoggerFactory _loggers;
    ControlPlaneLink? _link;
    LinkDnsControlPlane? _dns;

    ControlPlaneWiring(ControlPlaneSettings settings, ControlPlane.DaemonIdentity identity, TimeSpan dnsTimeout, ILoggerFactory loggers)
    {
        _settings = settings;
        _identity = identity;
        _dnsTimeout = dnsTimeout;
        _loggers = loggers;
    }

    /// <summary>The wiring for control_plane.address, or null when none is configured (standalone).</summary>
    public static ControlPlaneWiring? Create(DaemonConfiguration configuration, AttachmentStore store, ILoggerFactory loggers)
    {
        if (configuration.ControlPlane.Address is null) return null;
        return new ControlPlaneWiring(configuration.ControlPlane, ControlPlane.DaemonIdentity.From(configuration, store),
            DnsServerOptions.FromSettings(configuration.Dns).ControlPlaneTimeout, loggers);
    }

    /// <summary>Creates the link for <paramref name="host"/> (the manager calls this once, from its constructor).</summary>
    /// <exception cref="StartupException">A TLS file named by control_plane.tls cannot be used.</exception>
    public IControlPlaneLink CreateLink(IAttachmentHost host)
    {
        if (_link is not null) throw new InvalidOperationException("the control-plane link is already created");
        try
        {
            _link = new ControlPlaneLink(_settings, _identity, host, _loggers);
        }
        catch (ConfigurationException e)
        {
            throw new StartupException(e.Message, e);
        }
        _dns = new LinkDnsControlPlane(_link, _dnsTimeout);
        return _link;
    }

    /// <summary>Starts connecting (and reconnecting until disposed).</summary>
    public void Start() => (_link ?? throw new InvalidOperationException("the control-plane link was never created")).Start();

    /// <inheritdoc/>
    public Task<DnsQueryResponse> QueryDnsAsync(DnsQueryRequest request, CancellationToken cancellationToken) =>
        (_dns ?? throw new ControlPlaneUnavailableException("the control-plane link does not exist yet")).QueryDnsAsync(request, cancellationToken);

    /// <summary>Stops the link: the stream ends and running applies are cancelled.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_link is not null) await _link.DisposeAsync();
    }
}

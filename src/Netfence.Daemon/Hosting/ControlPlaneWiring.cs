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
/// <para>
/// Without control_plane.address the link connects to the built-in YAML control plane (<see cref="EmbeddedControlPlane"/>)
/// that runs in this process on a private socket in data_dir, with control_plane.policy_file or the embedded default
/// policy. A separate standalone mode (no control plane at all) would be a second code path for attach, commands and
/// status that a real deployment never runs; the in-process control plane keeps one.
/// </para>
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
    readonly EmbeddedControlPlane? _embedded;
    ControlPlaneLink? _link;
    LinkDnsControlPlane? _dns;

    /// <summary>The private socket of the in-process control plane, in data_dir.</summary>
    public const string EmbeddedSocketName = "controlplane.sock";

    ControlPlaneWiring(ControlPlaneSettings settings, ControlPlane.DaemonIdentity identity, TimeSpan dnsTimeout, ILoggerFactory loggers, EmbeddedControlPlane? embedded)
    {
        _embedded = embedded;
        _settings = settings;
        _identity = identity;
        _dnsTimeout = dnsTimeout;
        _loggers = loggers;
    }

    /// <summary>The wiring for control_plane.address, or for the in-process control plane when none is configured.</summary>
    /// <exception cref="StartupException">control_plane.policy_file cannot be used.</exception>
    public static ControlPlaneWiring Create(DaemonConfiguration configuration, AttachmentStore store, ILoggerFactory loggers)
    {
        var settings = configuration.ControlPlane;
        EmbeddedControlPlane? embedded = null;
        if (settings.Address is null)
        {
            embedded = EmbeddedControlPlane.Create(settings.PolicyFile, new ControlPlaneListenAddress(Path.Combine(configuration.DataDirectory, EmbeddedSocketName), null), settings.MaxMessageSize, loggers);
            settings = settings with { Address = embedded.Address };
        }
        return new ControlPlaneWiring(settings, ControlPlane.DaemonIdentity.From(configuration, store),
            DnsServerOptions.FromSettings(configuration.Dns).ControlPlaneTimeout, loggers, embedded);
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

    /// <summary>
    /// Starts connecting (and reconnecting until disposed). The in-process control plane is started first and the link
    /// given until sync_ack_timeout to connect to it, so Attach right after start does not meet a control plane that
    /// is merely not there yet; failing that is a fault of this process, not a network's, and stops the start.
    /// </summary>
    /// <exception cref="StartupException">The in-process control plane cannot listen, or the link did not connect to it.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var link = _link ?? throw new InvalidOperationException("the control-plane link was never created");
        if (_embedded is null)
        {
            link.Start();
            return;
        }
        await _embedded.StartAsync(cancellationToken);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnState(object? sender, ConnectionState state)
        {
            if (state == ConnectionState.Connected) connected.TrySetResult();
        }
        link.StateChanged += OnState;
        try
        {
            link.Start();
            if (link.State == ConnectionState.Connected) connected.TrySetResult();
            await connected.Task.WaitAsync(_settings.SyncAckTimeout, cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new StartupException($"netfenced's built-in control plane ({_settings.Address}, policy {_embedded.PolicySource}) did not accept the link within " +
                $"control_plane.sync_ack_timeout ({_settings.SyncAckTimeout.TotalSeconds:0.###} s): {link.LastError ?? "no error reported"}", e);
        }
        finally
        {
            link.StateChanged -= OnState;
        }
        _loggers.CreateLogger("netfenced").LogInformation("built-in control plane on {Address} with the policy {Policy}", _settings.Address, _embedded.PolicySource);
    }

    /// <inheritdoc/>
    public Task<DnsQueryResponse> QueryDnsAsync(DnsQueryRequest request, CancellationToken cancellationToken) =>
        (_dns ?? throw new ControlPlaneUnavailableException("the control-plane link does not exist yet")).QueryDnsAsync(request, cancellationToken);

    /// <summary>Stops the link (the stream ends and running applies are cancelled), then the in-process control plane.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_link is not null) await _link.DisposeAsync();
        if (_embedded is not null) await _embedded.DisposeAsync();
    }
}

using Microsoft.Extensions.Logging;
using Netfence.Daemon.Attachments;
using Netfence.Daemon.Configuration;
using Netfence.Daemon.ControlPlane;
using Netfence.Daemon.Store;
using Netfence.Daemon.Targets;
using Netfence.Dns.Proxy;

namespace Netfence.Daemon.Hosting;

/// <summary>
/// The pieces a daemon is built from. <see cref="ForHost"/> gives the real ones; tests give fakes for the kernel and
/// the control plane and keep the rest (store, DNS servers, API) real.
/// </summary>
/// <param name="Datapath">The kernel side.</param>
/// <param name="Resolver">Target lookup.</param>
/// <param name="Link">Creates the control-plane link for the manager (the host the link applies commands to); null only in tests of the manager without a control plane.</param>
/// <param name="Watcher">The target watcher, or null.</param>
/// <param name="DnsControlPlane">The DNS proxy-mode decision client, or null.</param>
/// <param name="ControlPlane">The real link's lifetime (started after the restore, stopped with the daemon), or null.</param>
sealed record DaemonParts(
    IDatapath Datapath,
    ITargetResolver Resolver,
    Func<IAttachmentHost, IControlPlaneLink>? Link,
    ITargetWatcher? Watcher,
    IDnsControlPlane? DnsControlPlane,
    ControlPlaneWiring? ControlPlane = null)
{
    /// <summary>The real datapath, resolver, link and watcher of this host.</summary>
    public static DaemonParts ForHost(DaemonConfiguration configuration, AttachmentStore store, ILoggerFactory loggers)
    {
        var objectPath = configuration.Datapath.ObjectPath is { } configured ? DatapathSettings.Resolve(configured) : null;
        IDatapath datapath;
        try
        {
            datapath = KernelDatapath.Open(configuration.Datapath.PinDirectory, objectPath, loggers.CreateLogger<KernelDatapath>(), configuration.Datapath.TcAttach);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or ArgumentException
                                   || e.GetType().Namespace?.StartsWith("Netfence.Bpf", StringComparison.Ordinal) == true)
        {
            throw new StartupException($"the datapath cannot be opened (datapath.pin_dir {configuration.Datapath.PinDirectory}, datapath.object {objectPath ?? "unset: the built-in programs"}): {e.Message}", e);
        }
        ITargetWatcher? watcher = null;
        ControlPlaneWiring controlPlane;
        try
        {
            watcher = TargetWatcherWiring.Create();
            controlPlane = ControlPlaneWiring.Create(configuration, store, loggers);
        }
        catch
        {
            watcher?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            datapath.Dispose();
            throw;
        }
        return new DaemonParts(datapath, new HostTargetResolver(), controlPlane.CreateLink, watcher, controlPlane, controlPlane);
    }
}

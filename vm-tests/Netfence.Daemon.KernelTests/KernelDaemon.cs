using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Netfence.Bpf.Maps;
using Netfence.Daemon.Attachments;
using Netfence.Daemon.Cli;
using Netfence.Daemon.Configuration;
using Netfence.Daemon.Hosting;
using Netfence.Daemon.Targets;
using Netfence.KernelTesting;
using Netfence.Protocol.V1;
using Netfence.Sandbox;

namespace Netfence.Daemon.KernelTests;

/// <summary>
/// netfenced in this process with the real datapath pinned in a scratch bpffs directory, the real target resolver
/// and target watcher, and a control plane that acks with given rules. Restart keeps the pins, store and socket path.
/// </summary>
sealed class KernelDaemon : IAsyncDisposable
{
    readonly string _root;
    readonly PinScratch _pins;
    GrpcChannel _channel;

    KernelDaemon(string root, PinScratch pins, DaemonConfiguration configuration, DaemonHost host, AckingControlPlane link)
    {
        _root = root;
        _pins = pins;
        Configuration = configuration;
        Host = host;
        Link = link;
        _channel = DaemonClient.Channel(configuration.Socket.Path);
        Client = DaemonClient.For(_channel);
    }

    public DaemonConfiguration Configuration { get; }
    public DaemonHost Host { get; private set; }
    public AckingControlPlane Link { get; }
    public DaemonService.DaemonServiceClient Client { get; private set; }
    public string PinDirectory => _pins.Path;

    /// <param name="link">The control plane.</param>
    /// <param name="tcAttach">datapath.tc_attach: auto, tcx or netlink.</param>
    /// <param name="settings">More NETFENCE_* settings.</param>
    public static async Task<KernelDaemon> StartAsync(AckingControlPlane link, string tcAttach = "auto", IReadOnlyDictionary<string, string>? settings = null)
    {
        var root = Path.Combine("/tmp", UniqueName.Next());
        Directory.CreateDirectory(root);
        var pins = new PinScratch();
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["NETFENCE_SOCKET_PATH"] = Path.Combine(root, "api.sock"),
                ["NETFENCE_DATA_DIR"] = Path.Combine(root, "data"),
                ["NETFENCE_DATAPATH_PIN_DIR"] = pins.Path,
                ["NETFENCE_DNS_PORT_RANGE_START"] = "31000",
                ["NETFENCE_DNS_PORT_RANGE_END"] = "31999",
                ["NETFENCE_DATAPATH_TC_ATTACH"] = tcAttach,
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
            var configuration = ConfigurationLoader.Load(null, environment);
            return new KernelDaemon(root, pins, configuration, await Start(configuration, link), link);
        }
        catch
        {
            pins.Dispose();
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    static Task<DaemonHost> Start(DaemonConfiguration configuration, AckingControlPlane link) =>
        DaemonHost.StartAsync(configuration, (_, loggers) => new DaemonParts(
            KernelDatapath.Open(configuration.Datapath.PinDirectory, configuration.Datapath.ObjectPath, loggers.CreateLogger<KernelDatapath>(), configuration.Datapath.TcAttach),
            new HostTargetResolver(), link.Bind, new TargetWatcher(), null), NullLoggerFactory.Instance, CancellationToken.None);

    /// <summary>Stops the daemon; pinned filters keep enforcing.</summary>
    public async Task StopAsync()
    {
        _channel.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>Starts it again on the same store, pins and socket.</summary>
    public async Task StartAgainAsync()
    {
        Host = await Start(Configuration, Link);
        _channel = DaemonClient.Channel(Configuration.Socket.Path);
        Client = DaemonClient.For(_channel);
    }

    /// <summary>
    /// A configuration file for a netfenced process with this daemon's socket, store and pins, connecting to
    /// <paramref name="controlPlaneAddress"/> (or, when null, running the built-in control plane with the default policy).
    /// </summary>
    public string WriteConfigFile(string? controlPlaneAddress = null, string? policyFile = null)
    {
        var path = Path.Combine(_root, "netfenced.yaml");
        File.WriteAllText(path, $$"""
            socket:
              path: {{Configuration.Socket.Path}}
            data_dir: {{Configuration.DataDirectory}}
            datapath:
              pin_dir: {{Configuration.Datapath.PinDirectory}}
              tc_attach: {{Configuration.Datapath.TcAttach.ToString().ToLowerInvariant()}}
            dns:
              port_range_start: {{Configuration.Dns.PortRangeStart}}
              port_range_end: {{Configuration.Dns.PortRangeEnd}}
            control_plane:
              address: {{controlPlaneAddress ?? "~"}}
              policy_file: {{policyFile ?? "~"}}
            """);
        return path;
    }

    /// <summary>This daemon's scratch directory (removed on dispose).</summary>
    public string ScratchDirectory => _root;

    /// <summary>A unix socket address in this daemon's scratch directory that nothing listens on.</summary>
    public string UnreachableControlPlane => "unix://" + Path.Combine(_root, "no-control-plane.sock");

    /// <summary>Every entry of every pinned map, as bytes, for comparing kernel state across a restart.</summary>
    public SortedDictionary<string, string> MapContents() => Processes.PinnedMaps.Contents(_pins.Path);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        // Unpinning the links releases them: nothing of the test stays attached.
        _pins.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}

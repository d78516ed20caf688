using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Netfence.Daemon.Cli;
using Netfence.Daemon.Configuration;
using Netfence.Daemon.Hosting;
using Netfence.Daemon.Tests.Store;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>
/// A real netfenced (store, DNS servers, manager, Kestrel on a temporary unix socket) with the kernel and the
/// control plane faked, and a gRPC client on its socket.
/// </summary>
sealed class InProcessDaemon : IAsyncDisposable
{
    static int _nextRange;

    readonly TempDirectory _directory;
    readonly bool _ownsDirectory;
    GrpcChannel? _channel;

    InProcessDaemon(TempDirectory directory, bool ownsDirectory, DaemonConfiguration configuration, DaemonHost host, FakeDatapath datapath, FakeTargets targets, FakeControlPlane? controlPlane)
    {
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        Configuration = configuration;
        Host = host;
        Datapath = datapath;
        Targets = targets;
        ControlPlane = controlPlane;
        _channel = DaemonClient.Channel(configuration.Socket.Path);
        Client = DaemonClient.For(_channel);
    }

    public DaemonConfiguration Configuration { get; }
    public DaemonHost Host { get; }
    public FakeDatapath Datapath { get; }
    public FakeTargets Targets { get; }
    public FakeControlPlane? ControlPlane { get; }
    public DaemonService.DaemonServiceClient Client { get; }
    public string DataDirectory => Configuration.DataDirectory;
    public TempDirectory Directory => _directory;

    /// <summary>Environment-style settings for a daemon in <paramref name="directory"/>; DNS ports from a range no other test uses.</summary>
    public static Dictionary<string, string> Settings(TempDirectory directory, int ports = 50)
    {
        int start = 40000 + Interlocked.Increment(ref _nextRange) * 64 + (Environment.ProcessId % 8) * 2048;
        return new Dictionary<string, string>
        {
            ["NETFENCE_SOCKET_PATH"] = Path.Combine(directory.Path, "api.sock"),
            ["NETFENCE_DATA_DIR"] = Path.Combine(directory.Path, "data"),
            ["NETFENCE_DATAPATH_PIN_DIR"] = Path.Combine(directory.Path, "pins-unused"),
            ["NETFENCE_DNS_PORT_RANGE_START"] = start.ToString(),
            ["NETFENCE_DNS_PORT_RANGE_END"] = (start + ports - 1).ToString(),
            ["NETFENCE_DNS_UPSTREAM_SERVERS"] = "127.0.0.1:9",
        };
    }

    public static async Task<InProcessDaemon> StartAsync(Action<Dictionary<string, string>>? configure = null, FakeControlPlane? controlPlane = null,
        TempDirectory? directory = null, FakeTargets? targets = null, FakeDatapath? datapath = null, ILoggerFactory? loggers = null)
    {
        bool owns = directory is null;
        directory ??= new TempDirectory();
        System.IO.Directory.CreateDirectory(directory.Path);
        var settings = Settings(directory);
        configure?.Invoke(settings);
        var configuration = ConfigurationLoader.Load(null, settings);
        targets ??= new FakeTargets();
        datapath ??= new FakeDatapath();
        var parts = new DaemonParts(datapath, targets, controlPlane is null ? null : controlPlane.Bind, null, null);
        var host = await DaemonHost.StartAsync(configuration, (_, _) => parts, loggers ?? NullLoggerFactory.Instance, CancellationToken.None);
        return new InProcessDaemon(directory, owns, configuration, host, datapath, targets, controlPlane);
    }

    /// <summary>Stops this daemon (filters stay) and starts another on the same directory, store and fakes.</summary>
    public async Task<InProcessDaemon> RestartAsync(Action<Dictionary<string, string>>? configure = null)
    {
        await StopAsync();
        return await StartAsync(settings =>
        {
            foreach (var (key, value) in Settings(_directory)) settings[key] = value;
            settings["NETFENCE_DNS_PORT_RANGE_START"] = Configuration.Dns.PortRangeStart.ToString();
            settings["NETFENCE_DNS_PORT_RANGE_END"] = Configuration.Dns.PortRangeEnd.ToString();
            configure?.Invoke(settings);
        }, ControlPlane, _directory, Targets, Datapath);
    }

    async Task StopAsync()
    {
        _channel?.Dispose();
        _channel = null;
        await Host.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsDirectory) _directory.Dispose();
    }
}

using Microsoft.Extensions.Logging;
using Netfence.Daemon.Configuration;
using Netfence.Daemon.ControlPlane;
using Netfence.Policy.Metadata;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Infrastructure;

/// <summary>A started <see cref="ControlPlaneLink"/> with a fake host and short timings, and helpers to observe it.</summary>
sealed class TestLink : IAsyncDisposable
{
    readonly ILoggerFactory loggers;
    int connectedCount;

    TestLink(ControlPlaneLink link, FakeAttachmentHost host, TestLog log, ILoggerFactory loggers)
    {
        Link = link;
        Host = host;
        Log = log;
        this.loggers = loggers;
        link.StateChanged += (_, state) =>
        {
            if (state == ConnectionState.Connected) Interlocked.Increment(ref connectedCount);
        };
    }

    public ControlPlaneLink Link { get; }
    public FakeAttachmentHost Host { get; }
    public TestLog Log { get; }

    /// <summary>How many times the link has become Connected.</summary>
    public int TimesConnected => Volatile.Read(ref connectedCount);

    public static readonly DaemonIdentity Identity = new("daemon-1", "host-1.test", AttachmentMetadata.From([new("zone", "eu-1")]));

    /// <summary>Settings with timings short enough for tests; <paramref name="change"/> adjusts them.</summary>
    public static ControlPlaneSettings Settings(Uri address, Func<ControlPlaneSettings, ControlPlaneSettings>? change = null)
    {
        var settings = new ControlPlaneSettings(address, new TlsSettings(null, null, null, null),
            SubscribeAckTimeout: TimeSpan.FromSeconds(10),
            SyncAckTimeout: TimeSpan.FromSeconds(10),
            HeartbeatInterval: TimeSpan.FromHours(1),
            KeepaliveInterval: TimeSpan.FromSeconds(5),
            KeepaliveTimeout: TimeSpan.FromSeconds(5),
            ReconnectBackoffInitial: TimeSpan.FromMilliseconds(20),
            ReconnectBackoffMax: TimeSpan.FromMilliseconds(200));
        return change is null ? settings : change(settings);
    }

    /// <summary>Creates and starts a link to <paramref name="address"/>; the host may be prepared before the first sync.</summary>
    public static TestLink Start(Uri address, Func<ControlPlaneSettings, ControlPlaneSettings>? change = null, FakeAttachmentHost? host = null, int outboxCapacity = 100)
    {
        host ??= new FakeAttachmentHost();
        var log = new TestLog();
        var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(log));
        var link = new ControlPlaneLink(Settings(address, change), Identity, host, loggers, null, null, outboxCapacity);
        var test = new TestLink(link, host, log, loggers);
        link.Start();
        return test;
    }

    public async Task ConnectedAsync(int times = 1)
    {
        try
        {
            await Wait.UntilAsync(() => TimesConnected >= times && Link.State == ConnectionState.Connected, "the link to connect");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"timed out waiting for the link to be connected (time {times}; connected {TimesConnected} times, state {Link.State}, " +
                $"last error: {Link.LastError}); its log:\n{string.Join('\n', Log.Entries.TakeLast(20).Select(e => $"{e.Level}: {e.Message}"))}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Link.DisposeAsync();
        loggers.Dispose();
    }

    /// <summary>A unix socket path in a fresh temporary directory (short enough for sun_path).</summary>
    public static string SocketPath() => Path.Combine(Directory.CreateTempSubdirectory("nf-link-").FullName, "cp.sock");
}

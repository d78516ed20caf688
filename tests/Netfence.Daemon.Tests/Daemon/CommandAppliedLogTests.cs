using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>
/// The Debug line netfenced writes for every applied command (CommandApplied): the policy benchmark reads it to say
/// where a BulkUpdate's time went inside the daemon, so its fields are a contract with vm-tests/bench/Netfence.Bench.Policy.
/// </summary>
public class CommandAppliedLogTests
{
    [Fact]
    public async Task An_applied_bulk_update_is_logged_at_debug_with_its_phases_and_wall_clock_start()
    {
        using var loggers = new RecordingLoggers();
        var link = new FakeControlPlane();
        await using var daemon = await InProcessDaemon.StartAsync(controlPlane: link, loggers: loggers);
        daemon.Targets.AddCgroup("/c");
        var id = (await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = "/c" })).Id;

        var before = DateTimeOffset.UtcNow;
        var bulk = new BulkUpdate
        {
            Mode = PolicyMode.Allowlist,
            AllowCidrs = { new CIDREntry { Cidr = "192.0.2.0/24" }, new CIDREntry { Cidr = "198.51.100.7/32" }, new CIDREntry { Cidr = "2001:db8::/32" } },
        };
        var result = await link.Host!.ApplyAsync(new ControlCommand { Id = id, Version = "v2", BulkUpdate = bulk }, CancellationToken.None);
        var after = DateTimeOffset.UtcNow;
        Assert.Equal(CommandStatus.Ack, result.Status);

        var entry = Assert.Single(loggers.Entries, e => e.EventId.Name == "CommandApplied" && (string)e.State["Command"]! == "bulk_update");
        Assert.Equal((LogLevel.Debug, 3100), (entry.Level, entry.EventId.Id));
        Assert.Equal(id, entry.State["AttachmentId"]);
        Assert.Equal(3, entry.State["Prefixes"]);
        var began = DateTimeOffset.UnixEpoch.AddTicks((long)entry.State["BeganUnixUs"]! * 10);
        Assert.InRange(began, before.AddMilliseconds(-1), after);
        foreach (var phase in new[] { "ValidateMs", "PrepareMs", "WriteMs", "FlipMs", "GraceWaitMs", "ClearMs", "StoreMs", "DnsMs" })
            Assert.True(entry.State[phase] is double ms && ms >= 0, $"{phase} is {entry.State[phase]}");
    }

    [Fact]
    public async Task A_nacked_command_is_not_logged_as_applied()
    {
        using var loggers = new RecordingLoggers();
        var link = new FakeControlPlane();
        await using var daemon = await InProcessDaemon.StartAsync(controlPlane: link, loggers: loggers);
        daemon.Targets.AddCgroup("/c");
        var id = (await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = "/c" })).Id;
        int applied = loggers.Entries.Count(e => e.EventId.Name == "CommandApplied");

        var bad = await link.Host!.ApplyAsync(new ControlCommand { Id = id, AllowCidr = new CIDREntry { Cidr = "192.0.2.1/40" } }, CancellationToken.None);

        Assert.Equal(CommandStatus.Nack, bad.Status);
        Assert.Equal(applied, loggers.Entries.Count(e => e.EventId.Name == "CommandApplied"));
    }

    sealed record Entry(LogLevel Level, EventId EventId, IReadOnlyDictionary<string, object?> State);

    // Every entry at Debug and above, with its structured properties.
    sealed class RecordingLoggers : ILoggerFactory, ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Entries);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }

        sealed class Logger(ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var properties = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
                entries.Enqueue(new Entry(logLevel, eventId, properties.ToDictionary(p => p.Key, p => p.Value)));
            }
        }
    }
}

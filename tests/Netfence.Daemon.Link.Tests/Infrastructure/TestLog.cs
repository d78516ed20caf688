using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Netfence.Daemon.Link.Tests.Infrastructure;

/// <summary>Collects the link's log lines, so a test can show them when it fails and assert on warnings.</summary>
sealed class TestLog : ILoggerProvider
{
    readonly ConcurrentQueue<(LogLevel Level, string Message)> entries = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Entries => [.. entries];

    public bool Contains(LogLevel level, string text) => entries.Any(e => e.Level == level && e.Message.Contains(text, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    sealed class Logger(TestLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.entries.Enqueue((logLevel, $"{DateTime.UtcNow:HH:mm:ss.fff} {formatter(state, exception)}"));
    }
}

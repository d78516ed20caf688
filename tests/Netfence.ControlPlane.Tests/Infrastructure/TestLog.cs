using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Netfence.ControlPlane.Tests.Infrastructure;

/// <summary>Collects every log line of a host so that tests can assert that an error was reported.</summary>
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

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.entries.Enqueue((logLevel, formatter(state, exception)));
    }
}

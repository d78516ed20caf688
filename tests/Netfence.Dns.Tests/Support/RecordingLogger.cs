using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Netfence.Dns.Serving;

namespace Netfence.Dns.Tests.Support;

/// <summary>Keeps every entry logged at <see cref="LogLevel.Warning"/> or above, with its exception, for tests to assert on.</summary>
sealed class RecordingLogger : ILogger<DnsServer>
{
    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public IEnumerable<string> AtLeast(LogLevel level) =>
        Entries.Where(e => e.Level >= level).Select(e => $"{e.Level}: {e.Message}{(e.Exception is null ? "" : $" ({e.Exception})")}");

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}

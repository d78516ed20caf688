using Microsoft.Extensions.Logging;
using Netfence.Dns.Serving;

namespace Netfence.Bench.Dns;

/// <summary>Warnings and errors of the servers under test, on stderr: a benchmark that hides its failures measures nothing.</summary>
internal sealed class StderrLogger : ILogger<DnsServer>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) Console.Error.WriteLine($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : $"\n{exception}")}");
    }
}

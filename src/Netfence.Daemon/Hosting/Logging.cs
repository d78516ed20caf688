using Microsoft.Extensions.Logging;
using Netfence.Daemon.Configuration;

namespace Netfence.Daemon.Hosting;

/// <summary>netfenced's log output: one plain line per event (log.format text), or one JSON object per line (json).</summary>
static class Logging
{
    public static ILoggerFactory Create(LogSettings settings) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(settings.Level switch
        {
            LogVerbosity.Trace => LogLevel.Trace,
            LogVerbosity.Debug => LogLevel.Debug,
            LogVerbosity.Warning => LogLevel.Warning,
            LogVerbosity.Error => LogLevel.Error,
            _ => LogLevel.Information,
        });
        // Kestrel and gRPC narrate every request at information level; their warnings still show.
        builder.AddFilter("Microsoft", LogLevel.Warning);
        builder.AddFilter("Grpc", LogLevel.Warning);
        if (settings.Format == LogFormat.Json)
            builder.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
        else
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
                o.UseUtcTimestamp = true;
            });
    });
}

using System.CommandLine;
using Microsoft.Extensions.Logging;
using Netfence.Daemon.Configuration;
using Netfence.Daemon.Hosting;

namespace Netfence.Daemon.Cli;

/// <summary>
/// <c>netfenced start [--config FILE]</c>: runs the daemon in the foreground (for systemd or a terminal) until
/// SIGTERM, Ctrl+C or <c>netfenced stop</c>. Exit codes: 0 after a stop, 2 for a bad configuration, 1 when the
/// daemon cannot start (store, datapath, socket), each with one line on stderr.
/// </summary>
static class StartCommand
{
    public static Command Build()
    {
        var config = new Option<string>("--config") { Description = $"The configuration file (default: ${ConfigurationLoader.ConfigPathVariable} or {ConfigurationLoader.DefaultPath} if it exists)" };
        var command = new Command("start", "Run the daemon in the foreground") { config };
        command.SetAction(async (parse, cancellationToken) =>
        {
            DaemonConfiguration configuration;
            try
            {
                configuration = ConfigurationLoader.Load(parse.GetValue(config));
            }
            catch (ConfigurationException e)
            {
                return CliOutput.Error(e.Message.ReplaceLineEndings(" "), 2);
            }
            // --socket overrides socket.path only when given explicitly.
            if (parse.GetResult(NetfencedCli.Socket) is { Implicit: false })
                configuration = configuration with { Socket = configuration.Socket with { Path = parse.GetValue(NetfencedCli.Socket)! } };
            using var loggers = Logging.Create(configuration.Log);
            DaemonHost host;
            try
            {
                host = await DaemonHost.StartAsync(configuration, (store, l) => DaemonParts.ForHost(configuration, store, l), loggers, cancellationToken);
            }
            catch (StartupException e)
            {
                return CliOutput.Error(e.Message);
            }
            await using (host)
            {
                await host.WaitForShutdownAsync();
            }
            loggers.CreateLogger("netfenced").LogInformation("netfenced stopped");
            return 0;
        });
        return command;
    }
}

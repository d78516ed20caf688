using System.CommandLine;
using System.Net.Sockets;
using Netfence.Protocol.V1;
using Spectre.Console;
using Netfence.Protocol.Transport;

namespace Netfence.Daemon.Cli;

/// <summary><c>netfenced stop [--remove-filters]</c>: a graceful stop through the API (SIGTERM does the same).</summary>
static class StopCommand
{
    static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(30);

    public static Command Build()
    {
        var remove = new Option<bool>("--remove-filters") { Description = "Detach every attachment and remove every pin first (by default filters stay in force while netfenced is stopped)" };
        var command = new Command("stop", "Stop the daemon; its filters keep enforcing unless --remove-filters is given") { remove };
        command.SetAction((parse, cancellationToken) => NetfencedCli.CallAsync(parse, async (client, ct) =>
        {
            var socket = parse.GetValue(NetfencedCli.Socket)!;
            bool removeFilters = parse.GetValue(remove);
            var response = await CliOutput.WhileWaiting(removeFilters ? "Removing filters and stopping…" : "Stopping…", false, async () =>
            {
                var answer = await client.ShutdownAsync(new ShutdownRequest { RemoveFilters = removeFilters }, cancellationToken: ct);
                // Stopped means the socket no longer answers.
                var deadline = DateTime.UtcNow + ExitDeadline;
                while (UnixSocketTransport.IsServed(socket))
                {
                    if (DateTime.UtcNow > deadline) throw new TimeoutException($"netfenced still answers on {socket} {ExitDeadline.TotalSeconds:0} s after agreeing to stop");
                    await Task.Delay(100, ct);
                }
                return answer;
            });
            AnsiConsole.MarkupLine(removeFilters
                ? $"[green]✓[/] netfenced stopped; {response.Detached} attachments detached and every pin removed"
                : "[green]✓[/] netfenced stopped; its filters stay in force until it starts again");
            return 0;
        }, cancellationToken));
        return command;
    }
}

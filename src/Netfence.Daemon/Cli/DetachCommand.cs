using System.CommandLine;
using Netfence.Protocol.V1;
using Spectre.Console;

namespace Netfence.Daemon.Cli;

/// <summary><c>netfenced detach ID</c>.</summary>
static class DetachCommand
{
    public static Command Build()
    {
        var id = new Argument<string>("id") { Description = "The attachment id (from attach or list)" };
        var command = new Command("detach", "Remove an attachment's filter and DNS server") { id };
        command.SetAction((parse, cancellationToken) => NetfencedCli.CallAsync(parse, async (client, ct) =>
        {
            var attachment = parse.GetValue(id)!;
            await CliOutput.WhileWaiting($"Detaching {attachment}…", false, async () => await client.DetachAsync(new DetachRequest { Id = attachment }, cancellationToken: ct));
            AnsiConsole.MarkupLineInterpolated($"[green]✓[/] detached {attachment}");
            return 0;
        }, cancellationToken));
        return command;
    }
}

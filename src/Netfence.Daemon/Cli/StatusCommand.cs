using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Netfence.Daemon.Cli;

/// <summary><c>netfenced status [--json]</c>.</summary>
static class StatusCommand
{
    public static Command Build()
    {
        var json = NetfencedCli.JsonOption();
        var command = new Command("status", "Show the daemon's version, id, control-plane connection and attachment count") { json };
        command.SetAction((parse, cancellationToken) => NetfencedCli.CallAsync(parse, async (client, ct) =>
        {
            bool asJson = parse.GetValue(json);
            var status = await CliOutput.WhileWaiting("Asking netfenced…", asJson, async () => await client.GetStatusAsync(new Empty(), cancellationToken: ct));
            if (asJson)
            {
                CliOutput.Json(status);
                return 0;
            }
            var table = new Table().HideHeaders().AddColumns("", "");
            table.AddRow("version", Markup.Escape(status.Version));
            table.AddRow("daemon id", Markup.Escape(status.DaemonId));
            table.AddRow("hostname", Markup.Escape(status.Hostname));
            table.AddRow("control plane", status.ControlPlaneAddress.Length == 0 ? "none (standalone)"
                : $"{Markup.Escape(status.ControlPlaneAddress)} ({status.ControlPlaneState.ToString().ToLowerInvariant()})");
            table.AddRow("attachments", status.AttachmentCount.ToString());
            AnsiConsole.Write(table);
            return 0;
        }, cancellationToken));
        return command;
    }
}

using System.Globalization;
using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Netfence.Daemon.Cli;

/// <summary>
/// <c>netfenced status [--json] [--wait SECONDS]</c>. <c>--wait</c> is for scripts that start netfenced in the
/// background: it retries while the daemon is not (yet) answering, up to the deadline.
/// </summary>
static class StatusCommand
{
    const double MaxWaitSeconds = 86_400;

    public static Command Build()
    {
        var json = NetfencedCli.JsonOption();
        var wait = new Option<double>("--wait")
        {
            Description = "Wait up to this many seconds for netfenced to answer (it may still be starting)",
            // NaN, negative and absurd values would otherwise mean "do not wait" or overflow the deadline.
            CustomParser = result =>
            {
                var text = string.Join(' ', result.Tokens.Select(t => t.Value));
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and <= MaxWaitSeconds)
                    return seconds;
                result.AddError($"--wait: '{text}' is not a number of seconds from 0 to {MaxWaitSeconds} (e.g. --wait 30)");
                return 0;
            },
        };
        var command = new Command("status", "Show the daemon's version, id, control-plane connection and attachment count") { json, wait };
        command.SetAction((parse, cancellationToken) => NetfencedCli.CallAsync(parse, async (client, ct) =>
        {
            bool asJson = parse.GetValue(json);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(parse.GetValue(wait));
            var status = await CliOutput.WhileWaiting("Asking netfenced…", asJson, async () =>
            {
                while (true)
                {
                    try
                    {
                        return await client.GetStatusAsync(new Empty(), cancellationToken: ct);
                    }
                    catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable && DateTime.UtcNow < deadline)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
                    }
                }
            });
            if (asJson)
            {
                CliOutput.Json(status);
                return 0;
            }
            var table = new Table().HideHeaders().AddColumns("", "");
            table.AddRow("version", Markup.Escape(status.Version));
            table.AddRow("daemon id", Markup.Escape(status.DaemonId));
            table.AddRow("hostname", Markup.Escape(status.Hostname));
            table.AddRow("control plane", status.ControlPlaneAddress.Length == 0 ? "none"
                : $"{Markup.Escape(status.ControlPlaneAddress)} ({status.ControlPlaneState.ToString().ToLowerInvariant()})");
            table.AddRow("attachments", status.AttachmentCount.ToString());
            AnsiConsole.Write(table);
            return 0;
        }, cancellationToken));
        return command;
    }
}

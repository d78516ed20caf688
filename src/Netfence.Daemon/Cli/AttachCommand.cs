using System.CommandLine;
using Netfence.Policy.Metadata;
using Netfence.Protocol.V1;
using Spectre.Console;

namespace Netfence.Daemon.Cli;

/// <summary><c>netfenced attach --cgroup PATH | --interface NAME [--metadata k=v,...] [--dns-listen ADDR]</c>.</summary>
static class AttachCommand
{
    public static Command Build()
    {
        var cgroup = new Option<string>("--cgroup") { Description = "A cgroup v2 path, from the cgroup2 root (/workloads/a) or in full" };
        var device = new Option<string>("--interface") { Description = "A network interface (the host side of a VM tap or container veth)" };
        var metadata = NetfencedCli.MetadataOption();
        var dnsListen = new Option<string>("--dns-listen") { Description = "The DNS server's address (ip or ip:port) when the workload cannot reach the default" };
        var json = NetfencedCli.JsonOption();
        var command = new Command("attach", "Attach a filter to a cgroup or an interface; prints the attachment id and its DNS address")
        {
            cgroup, device, metadata, dnsListen, json,
        };
        command.Validators.Add(result =>
        {
            bool hasCgroup = result.GetResult(cgroup) is not null, hasInterface = result.GetResult(device) is not null;
            if (hasCgroup == hasInterface) result.AddError("give exactly one of --cgroup PATH and --interface NAME");
        });
        command.SetAction((parse, cancellationToken) => NetfencedCli.CallAsync(parse, async (client, ct) =>
        {
            var request = new AttachRequest { DnsListenAddress = parse.GetValue(dnsListen) ?? "" };
            if (parse.GetValue(cgroup) is { } path) request.CgroupPath = path;
            else request.InterfaceName = parse.GetValue(device)!;
            request.Metadata.Add(parse.GetValue(metadata)!.ToDictionary());
            bool asJson = parse.GetValue(json);
            var target = request.TargetCase == AttachRequest.TargetOneofCase.CgroupPath ? $"cgroup {request.CgroupPath}" : $"interface {request.InterfaceName}";
            var response = await CliOutput.WhileWaiting($"Attaching to {target}…", asJson, async () => await client.AttachAsync(request, cancellationToken: ct));
            if (asJson) CliOutput.Json(response);
            else AnsiConsole.MarkupLineInterpolated($"[green]✓[/] attached {target}: id [bold]{response.Id}[/], DNS [bold]{response.DnsAddress}[/]");
            return 0;
        }, cancellationToken));
        return command;
    }
}

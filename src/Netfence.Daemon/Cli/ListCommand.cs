using System.CommandLine;
using Netfence.Protocol.V1;
using Spectre.Console;

namespace Netfence.Daemon.Cli;

/// <summary><c>netfenced list [--page-size N] [--page-token T] [--all] [--json]</c>.</summary>
static class ListCommand
{
    public static Command Build()
    {
        var pageSize = new Option<int>("--page-size") { Description = "Attachments per page (1-1000; default 100)" };
        pageSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 1000) result.AddError("--page-size must be between 1 and 1000");
        });
        var pageToken = new Option<string>("--page-token") { Description = "Continue after a previous page (its next_page_token)" };
        var all = new Option<bool>("--all") { Description = "Fetch every page" };
        var json = NetfencedCli.JsonOption();
        var command = new Command("list", "List attachments with their counters") { pageSize, pageToken, all, json };
        command.SetAction((parse, cancellationToken) => NetfencedCli.CallAsync(parse, async (client, ct) =>
        {
            bool asJson = parse.GetValue(json);
            var request = new ListRequest { PageSize = parse.GetValue(pageSize), PageToken = parse.GetValue(pageToken) ?? "" };
            var response = await CliOutput.WhileWaiting("Listing…", asJson, async () =>
            {
                var first = await client.ListAsync(request, cancellationToken: ct);
                while (parse.GetValue(all) && first.NextPageToken.Length > 0)
                {
                    var next = await client.ListAsync(new ListRequest { PageSize = request.PageSize, PageToken = first.NextPageToken }, cancellationToken: ct);
                    first.Attachments.Add(next.Attachments);
                    first.NextPageToken = next.NextPageToken;
                    first.TotalCount = next.TotalCount;
                }
                return first;
            });
            if (asJson)
            {
                CliOutput.Json(response);
                return 0;
            }
            var table = new Table().AddColumns("id", "type", "target", "mode", "dns mode", "dns", "allowed", "blocked", "dns ok", "dns refused", "metadata", "attached at");
            foreach (var a in response.Attachments)
            {
                table.AddRow(Markup.Escape(a.Id), Short(a.Type.ToString()), Markup.Escape(a.Target), Short(a.Mode.ToString()), Short(a.DnsMode.ToString()),
                    Markup.Escape(a.DnsAddress), a.PacketsAllowed.ToString(), a.PacketsBlocked.ToString(), a.DnsQueriesAllowed.ToString(),
                    a.DnsQueriesBlocked.ToString(), Markup.Escape(string.Join(',', a.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))),
                    a.AttachedAt.ToDateTimeOffset().ToString("u"));
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"{response.Attachments.Count} of {response.TotalCount} attachments");
            if (response.NextPageToken.Length > 0) AnsiConsole.MarkupLineInterpolated($"next page: --page-token {response.NextPageToken}");
            return 0;
        }, cancellationToken));
        return command;
    }

    static string Short(string enumName) => enumName.ToLowerInvariant();
}

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
            // Narrow enough for an 80-column terminal; --json has every field.
            var table = new Table().AddColumns("id", "target", "mode", "dns", "packets ok/blocked", "queries ok/refused", "metadata");
            foreach (var a in response.Attachments)
            {
                var type = a.Type == AttachmentType.Tc ? "interface" : "cgroup";
                table.AddRow(Markup.Escape(a.Id), Markup.Escape($"{type} {a.Target}"), Short(a.Mode.ToString(), "POLICY_MODE_") + "\n" + Short(a.DnsMode.ToString(), "DNS_MODE_"),
                    Markup.Escape(a.DnsAddress), $"{a.PacketsAllowed}/{a.PacketsBlocked}", $"{a.DnsQueriesAllowed}/{a.DnsQueriesBlocked}",
                    Markup.Escape(string.Join(',', a.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))));
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"{response.Attachments.Count} of {response.TotalCount} attachments");
            if (response.NextPageToken.Length > 0) AnsiConsole.MarkupLineInterpolated($"next page: --page-token {response.NextPageToken}");
            return 0;
        }, cancellationToken));
        return command;
    }

    // Enum names as the C# enum spells them (BlockAll) lower-cased: blockall; the prefix is for the proto spelling.
    static string Short(string enumName, string prefix) => enumName.StartsWith(prefix, StringComparison.Ordinal) ? enumName[prefix.Length..].ToLowerInvariant() : enumName.ToLowerInvariant();
}

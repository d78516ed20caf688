using System.CommandLine;
using System.CommandLine.Parsing;
using Grpc.Core;
using Netfence.Policy.Metadata;
using Netfence.Policy.Validation;

namespace Netfence.Daemon.Cli;

/// <summary>The <c>netfenced</c> command line: start, stop, attach, detach, list, status, controlplane.</summary>
static class NetfencedCli
{
    public static readonly Option<string> Socket = new("--socket")
    {
        Description = "The daemon's API socket (default: $NETFENCE_SOCKET_PATH or /var/run/netfence.sock)",
        Recursive = true,
        DefaultValueFactory = _ => DaemonClient.DefaultSocket,
    };

    public static RootCommand Build()
    {
        var root = new RootCommand("netfenced: the Netfence host daemon (start) and the client of its local API (every other command)")
        {
            Socket,
            StartCommand.Build(),
            StopCommand.Build(),
            AttachCommand.Build(),
            DetachCommand.Build(),
            ListCommand.Build(),
            StatusCommand.Build(),
            ControlPlaneCommand.Build(),
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = Build().Parse(args);
        // One line per problem, not the whole help text: `netfenced COMMAND --help` shows that.
        if (parsed.Errors.Count > 0 && !args.Contains("--help") && !args.Contains("-h"))
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"netfenced: {error.Message}");
            return 2;
        }
        return await parsed.InvokeAsync();
    }

    public static Option<bool> JsonOption() => new("--json") { Description = "Print JSON instead of a table" };

    /// <summary>A --metadata k=v,... option that rejects a malformed pair instead of dropping it (pitfall 15).</summary>
    public static Option<AttachmentMetadata> MetadataOption() => new("--metadata")
    {
        Description = "Labels for the attachment: key=value pairs separated by commas",
        DefaultValueFactory = _ => AttachmentMetadata.Empty,
        CustomParser = result =>
        {
            var text = string.Join(',', result.Tokens.Select(t => t.Value));
            try
            {
                return AttachmentMetadata.Parse(text, "--metadata");
            }
            catch (PolicyValidationException e)
            {
                result.AddError($"{e.Field}: {e.Problem}");
                return AttachmentMetadata.Empty;
            }
        },
    };

    /// <summary>Runs one call to the daemon, turning its errors into one line and exit code 1.</summary>
    public static async Task<int> CallAsync(ParseResult parse, Func<Protocol.V1.DaemonService.DaemonServiceClient, CancellationToken, Task<int>> call, CancellationToken cancellationToken)
    {
        var socket = parse.GetValue(Socket)!;
        using var channel = DaemonClient.Channel(socket);
        try
        {
            return await call(DaemonClient.For(channel), cancellationToken);
        }
        catch (RpcException e)
        {
            return CliOutput.Error(DaemonClient.Describe(e, socket));
        }
        catch (TimeoutException e)
        {
            return CliOutput.Error(e.Message);
        }
    }
}

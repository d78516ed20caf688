using System.CommandLine;
using Microsoft.Extensions.Logging;
using Netfence.ControlPlane.Yaml.Loading;
using Netfence.Daemon.Configuration;
using Netfence.Daemon.Hosting;

namespace Netfence.Daemon.Cli;

/// <summary>
/// <c>netfenced controlplane --policy FILE --listen ADDRESS</c>: runs the built-in YAML control plane in the
/// foreground for daemons that set control_plane.address to it (the same one <c>netfenced start</c> runs in-process
/// without an address). <c>--default-policy</c> prints the embedded default policy, a starting point for FILE.
/// </summary>
static class ControlPlaneCommand
{
    public static Command Build()
    {
        var policy = new Option<string>("--policy") { Description = "The YAML policy file (reloaded when it changes); the embedded default policy when omitted" };
        var listen = new Option<ControlPlaneListenAddress?>("--listen")
        {
            Description = "Where to serve: an absolute unix socket path (or unix:///path), or ip:port",
            // Parsed with the command line, so a malformed address is a usage error (one line, exit 2) like any other.
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
                try
                {
                    return ControlPlaneListenAddress.Parse(text);
                }
                catch (FormatException e)
                {
                    result.AddError($"--listen: {e.Message}");
                    return null;
                }
            },
        };
        var maxMessageSize = new Option<string>("--max-message-size")
        {
            Description = "The largest message received from or sent to a daemon (bytes, or with KiB, MiB, GiB); keep it equal to the daemons' control_plane.max_message_size",
            DefaultValueFactory = _ => "128MiB",
        };
        var defaultPolicy = new Option<bool>("--default-policy") { Description = "Print the embedded default policy and exit" };
        var command = new Command("controlplane", "Run the built-in YAML control plane in the foreground") { policy, listen, maxMessageSize, defaultPolicy };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(defaultPolicy))
            {
                Console.Out.Write(YamlPolicySource.DefaultPolicyText());
                return 0;
            }
            if (parse.GetValue(listen) is not { } address)
                return CliOutput.Error("--listen is required (e.g. --listen /run/netfence-control.sock or --listen 127.0.0.1:9090)", 2);
            int messageSize;
            try
            {
                messageSize = ControlPlaneSettings.ParseMessageSize(parse.GetValue(maxMessageSize)!);
            }
            catch (FormatException e)
            {
                return CliOutput.Error($"--max-message-size: {e.Message}", 2);
            }
            var policyFile = parse.GetValue(policy) is { } given ? Path.GetFullPath(given) : null;
            if (policyFile is not null && !File.Exists(policyFile))
                return CliOutput.Error($"--policy: {policyFile} does not exist (netfenced controlplane --default-policy > {policyFile} writes a starting point)", 2);
            using var loggers = Logging.Create(new LogSettings(LogFormat.Text, LogVerbosity.Information));
            EmbeddedControlPlane controlPlane;
            try
            {
                controlPlane = EmbeddedControlPlane.Create(policyFile, address, messageSize, loggers);
                await controlPlane.StartAsync(cancellationToken);
            }
            catch (StartupException e)
            {
                return CliOutput.Error(e.Message);
            }
            await using (controlPlane)
            {
                loggers.CreateLogger("netfenced").LogInformation("control plane serving {Address} with the policy {Policy}", controlPlane.Address, controlPlane.PolicySource);
                await controlPlane.WaitForShutdownAsync();
            }
            return 0;
        });
        return command;
    }
}

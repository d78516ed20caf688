using Netfence.Daemon.Cli;
using Netfence.Policy.Metadata;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>The command line refuses what it cannot pass on faithfully, before calling the daemon.</summary>
public sealed class CliParsingTests
{
    static IReadOnlyList<string> Errors(params string[] args) => NetfencedCli.Build().Parse(args).Errors.Select(e => e.Message).ToList();

    [Theory]
    [InlineData("vm=a,bad", "pair 2 'bad' has no '='")]
    [InlineData("vm=a,,x=y", "stray ','")]
    [InlineData("=v", "no key")]
    [InlineData("vm=a,vm=b", "appears twice")]
    [InlineData("k=", "value is empty")]
    public void A_malformed_metadata_pair_is_rejected_not_dropped(string metadata, string problem)
    {
        var errors = Errors("attach", "--cgroup", "/w", "--metadata", metadata);
        Assert.Contains(errors, e => e.Contains(problem) && e.Contains("--metadata"));
    }

    [Fact]
    public void Well_formed_metadata_keeps_every_pair()
    {
        var command = NetfencedCli.Build();
        var parsed = command.Parse(["attach", "--interface", "tap0", "--metadata", "vm=a,team=x=y"]);
        Assert.Empty(parsed.Errors);
        var attach = parsed.CommandResult.Command;
        var option = attach.Options.OfType<System.CommandLine.Option<AttachmentMetadata>>().Single();
        var metadata = parsed.GetValue(option)!;
        Assert.Equal(2, metadata.Count);
        Assert.Equal("x=y", metadata["team"]);
    }

    [Theory]
    [InlineData("attach")]
    [InlineData("attach", "--cgroup", "/a", "--interface", "eth0")]
    public void Attach_needs_exactly_one_target(params string[] args) =>
        Assert.Contains(Errors(args), e => e.Contains("exactly one of --cgroup"));

    [Fact]
    public void List_rejects_a_page_size_over_the_maximum() =>
        Assert.Contains(Errors("list", "--page-size", "5000"), e => e.Contains("--page-size"));

    [Fact]
    public void Every_read_command_has_json_output()
    {
        foreach (var name in new[] { "list", "status" })
            Assert.Empty(Errors(name, "--json"));
    }

    // Runs the whole command line as the executable does and returns its exit code and stderr lines. Console.Error is
    // process-wide, so the tests that swap it do not run in parallel with each other (one class, one collection).
    static async Task<(int Code, IReadOnlyList<string> Errors)> Run(params string[] args)
    {
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            int code = await NetfencedCli.RunAsync(args);
            return (code, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Console.SetError(saved);
        }
    }

    [Fact]
    public async Task A_call_without_a_daemon_fails_with_one_line_and_exit_code_1()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"nft-none-{Guid.NewGuid():N}.sock");
        var (code, errors) = await Run("status", "--socket", socket);
        Assert.Equal(1, code);
        var line = Assert.Single(errors);
        Assert.Contains("not running", line);
        Assert.Contains(socket, line);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("relative/path.sock")]
    [InlineData("unix://relative.sock")]
    [InlineData("")]
    public async Task Controlplane_with_a_malformed_listen_address_is_a_usage_error_with_one_line(string listen)
    {
        var (code, errors) = await Run("controlplane", "--listen", listen);
        Assert.Equal(2, code);
        var line = Assert.Single(errors);
        Assert.StartsWith("netfenced: --listen: ", line);
        Assert.Contains($"'{listen}' is neither an absolute unix socket path", line);
    }

    [Fact]
    public async Task Controlplane_without_listen_is_a_usage_error_with_one_line()
    {
        var (code, errors) = await Run("controlplane");
        Assert.Equal(2, code);
        Assert.Contains("--listen is required", Assert.Single(errors));
    }

    [Fact]
    public async Task Controlplane_with_a_missing_policy_file_is_a_usage_error_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"nft-missing-{Guid.NewGuid():N}.yaml");
        var (code, errors) = await Run("controlplane", "--listen", "127.0.0.1:9", "--policy", missing);
        Assert.Equal(2, code);
        var line = Assert.Single(errors);
        Assert.Contains("--policy", line);
        Assert.Contains(missing, line);
    }

    [Theory]
    [InlineData("/run/netfence-control.sock", "/run/netfence-control.sock", null)]
    [InlineData("unix:///run/netfence-control.sock", "/run/netfence-control.sock", null)]
    [InlineData("127.0.0.1:9090", null, "127.0.0.1:9090")]
    [InlineData("[::1]:9090", null, "[::1]:9090")]
    public void Controlplane_parses_both_listen_forms(string listen, string? socketPath, string? tcp)
    {
        var parsed = NetfencedCli.Build().Parse(["controlplane", "--listen", listen]);
        Assert.Empty(parsed.Errors);
        var option = parsed.CommandResult.Command.Options.OfType<System.CommandLine.Option<Hosting.ControlPlaneListenAddress?>>().Single();
        var address = parsed.GetValue(option)!;
        Assert.Equal(socketPath, address.SocketPath);
        Assert.Equal(tcp, address.Tcp?.ToString());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("1e12")]
    [InlineData("soon")]
    public void Status_rejects_a_wait_that_is_not_a_number_of_seconds(string wait) =>
        Assert.Contains(Errors("status", "--wait", wait), e => e.Contains("--wait") || e.Contains(wait));

    [Theory]
    [InlineData("0")]
    [InlineData("30")]
    [InlineData("0.5")]
    public void Status_accepts_a_wait_in_seconds(string wait) => Assert.Empty(Errors("status", "--wait", wait, "--json"));

    [Fact]
    public async Task Status_wait_against_no_daemon_gives_up_after_the_wait_with_one_line()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"nft-none-{Guid.NewGuid():N}.sock");
        var (code, errors) = await Run("status", "--socket", socket, "--wait", "0.3", "--json");
        Assert.Equal(1, code);
        Assert.Contains("not running", Assert.Single(errors));
    }
}

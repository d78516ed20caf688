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

    [Fact]
    public async Task A_call_without_a_daemon_fails_with_one_line_and_exit_code_1()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"nft-none-{Guid.NewGuid():N}.sock");
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = await NetfencedCli.RunAsync(["status", "--socket", socket]);
        }
        finally
        {
            Console.SetError(saved);
        }
        Assert.Equal(1, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("not running", line);
        Assert.Contains(socket, line);
    }
}

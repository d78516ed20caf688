using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Netfence.ControlPlane.Tests.Infrastructure;
using Netfence.ControlPlane.Yaml.Loading;
using Netfence.Policy.Modes;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Tests.Yaml;

public sealed class YamlReloadTests : IDisposable
{
    const string Initial = """
        policies:
          - name: web
            match: {role: web}
            mode: allowlist
            allow_cidrs: [10.0.0.0/8]
            dns: {mode: allowlist, allow: [example.com]}
          - name: db
            match: {role: db}
            mode: allowlist
            allow_cidrs: [10.1.0.0/16]
            dns: {mode: disabled}
        """;

    readonly string directory = Directory.CreateTempSubdirectory("nf-cp-").FullName;
    readonly string path;

    public YamlReloadTests() => path = Path.Combine(directory, "policy.yaml");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    // Editors save by writing a new file and renaming it over the old one; do the same.
    void Save(string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    YamlPolicySource Source(TestLog? log = null)
    {
        ILogger<YamlPolicySource> logger = log is null ? NullLogger<YamlPolicySource>.Instance : new LoggerFactory([log]).CreateLogger<YamlPolicySource>();
        return new YamlPolicySource(path, new YamlPolicyOptions { PollInterval = TimeSpan.FromSeconds(30) }, logger);
    }

    static Task<PolicyReloadedEventArgs> ReloadAsync(YamlPolicySource source, Action edit) =>
        Wait.ForEventAsync<PolicyReloadedEventArgs>(h => source.Reloaded += h, h => source.Reloaded -= h, () => { edit(); return Task.CompletedTask; });

    [Fact]
    public async Task An_edit_reaches_exactly_the_affected_attachments()
    {
        Save(Initial);
        var source = Source();
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();
        await daemon.SubscribeAsync("web-1", new() { ["role"] = "web" });
        await daemon.SubscribeAsync("db-1", new() { ["role"] = "db" });
        await Wait.UntilAsync(() => cp.Status.IsEnforcing("host-a", "web-1", daemon.Attachment("web-1").RuleVersion), "the ACK");

        // How fast an edit is enforced is a benchmark's claim (issue 9's command → kernel latency), not a unit
        // test's: a wall-clock bound here failed under the parallel suite's load (1,039 ms against 1 s).
        var report = await cp.ChangeAsync(() => Save(Initial.Replace("allow_cidrs: [10.0.0.0/8]", "allow_cidrs: [10.0.0.0/8, 192.0.2.0/24]", StringComparison.Ordinal)));
        var command = await daemon.NextAsync();

        Assert.Equal(("host-a", "web-1"), (Assert.Single(report.Pushed).DaemonId, report.Pushed[0].AttachmentId));
        Assert.Equal(("web-1", "192.0.2.0/24"), (command.Id, command.AllowCidr.Cidr));
        await daemon.SubscribeAsync("probe", new() { ["role"] = "db" });
        Assert.Equal(0, daemon.Pending);
    }

    [Fact]
    public async Task A_bad_edit_keeps_the_previous_policy_and_logs_the_line_and_a_fix_is_pushed()
    {
        Save(Initial);
        var log = new TestLog();
        var source = Source(log);
        await using var cp = await TestControlPlane.StartAsync(source);
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();
        var ack = await daemon.SubscribeAsync("web-1", new() { ["role"] = "web" });
        var before = source.Current;

        var failed = await ReloadAsync(source, () => Save(Initial.Replace("mode: allowlist\n    allow_cidrs: [10.0.0.0/8]", "mode: allowlist\n    allow_cidrs: [10.0.0.0/88]", StringComparison.Ordinal)));

        Assert.Null(failed.Policy);
        Assert.StartsWith($"{path} line 5: policies[0].allow_cidrs[0]", Assert.Single(failed.Errors));
        Assert.Same(before, source.Current);
        Assert.True(log.Contains(LogLevel.Error, $"{path} line 5: policies[0].allow_cidrs[0]"));
        Assert.Equal(ack.Version, cp.Status.FindAttachment("host-a", "web-1")!.DesiredVersion);

        var report = await cp.ChangeAsync(() => Save(Initial.Replace("mode: allowlist\n    allow_cidrs: [10.0.0.0/8]", "mode: block_all\n    allow_cidrs: [10.0.0.0/8]", StringComparison.Ordinal)));

        Assert.Equal("set_mode", Assert.Single(report.Pushed).Command);
        var command = await daemon.NextAsync();
        Assert.Equal(Proto.PolicyMode.BlockAll, command.SetMode.Mode);
        Assert.Equal(PolicyMode.BlockAll, daemon.Attachment("web-1").Rules.Mode);
    }

    [Fact]
    public void Saving_the_same_content_again_changes_nothing()
    {
        Save(Initial);
        var source = Source();
        var before = source.Current;
        var change = source.Reload();

        Save(Initial);

        Assert.Null(change);
        Assert.Null(source.Reload());
        Assert.Same(before, source.Current);
    }

    [Fact]
    public void An_invalid_file_at_start_is_fatal_with_its_errors()
    {
        Save("policies:\n  - name: a\n    mode: sometimes\n");

        var e = Assert.Throws<Netfence.ControlPlane.Yaml.Policies.PolicyFileException>(() => Source());

        Assert.StartsWith($"{path} line 3: policies[0].mode", Assert.Single(e.Errors));
    }
}

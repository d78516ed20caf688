using System.Net;
using System.Text.Json;

namespace Netfence.Sandbox.Lab;

// What an operator does to a running netfenced besides attaching: edit its policy, detach, list, and kill and start it
// again on the same configuration (pins, store and DNS ports), as a crash and a restart by systemd would.
public sealed partial class NetfencedProcess
{
    /// <summary>One attachment as <c>netfenced list --json</c> shows it.</summary>
    /// <param name="Id">The attachment id.</param>
    /// <param name="Target">The interface name or cgroup path.</param>
    /// <param name="Mode">The policy mode's enum name, e.g. <c>POLICY_MODE_ALLOWLIST</c>.</param>
    /// <param name="DnsMode">The DNS mode's enum name, e.g. <c>DNS_MODE_PROXY</c>.</param>
    /// <param name="DnsAddress">The attachment's DNS server, "ip:port".</param>
    public sealed record ListedAttachment(string Id, string Target, string Mode, string DnsMode, string DnsAddress);

    /// <summary>
    /// <c>netfenced attach --cgroup PATH --dns-listen ADDRESS:PORT --metadata ...</c>: a cgroup whose DNS server listens
    /// where its resolv.conf can name it (glibc's resolver only knows port 53).
    /// </summary>
    public Task<Attachment> AttachCgroupAsync(string cgroupPath, IPEndPoint dnsListen, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        AttachAsync(["--cgroup", cgroupPath, "--dns-listen", dnsListen.ToString()], metadata, cancellationToken);

    /// <summary>
    /// Replaces the policy file as an editor saves it (a new file renamed over the old one), so the built-in control
    /// plane never reads it half-written. It reloads on its own; callers observe the change by its effect.
    /// </summary>
    public void RewritePolicy(string policyYaml)
    {
        var next = PolicyFile + ".new";
        File.WriteAllText(next, policyYaml);
        File.Move(next, PolicyFile, overwrite: true);
    }

    /// <summary><c>netfenced detach ID</c>.</summary>
    public Task DetachAsync(string id, CancellationToken cancellationToken) => CliAsync(cancellationToken, "detach", id);

    /// <summary><c>netfenced list --all --json</c>: every attachment the daemon holds.</summary>
    public async Task<IReadOnlyList<ListedAttachment>> ListAsync(CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(await CliAsync(cancellationToken, "list", "--all", "--json"));
        if (!json.RootElement.TryGetProperty("attachments", out var attachments)) return [];
        return attachments.EnumerateArray().Select(a => new ListedAttachment(
            a.GetProperty("id").GetString()!,
            a.GetProperty("target").GetString()!,
            Text(a, "mode"),
            Text(a, "dnsMode"),
            Text(a, "dnsAddress"))).ToList();

        // Proto JSON leaves out fields at their default value.
        static string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";
    }

    /// <summary>Kills netfenced with SIGKILL, as a crash would: no clean-up of any kind runs, the pinned filters stay.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) throw new InvalidOperationException("netfenced is not running: nothing to kill");
        _process.Kill();
        await _process.WaitForExitAsync();
        Log($"[lab] netfenced killed (SIGKILL), exit code {_process.ExitCode}");
    }

    /// <summary>
    /// Starts netfenced again on the same configuration, after <see cref="KillAsync"/> or a stop without
    /// <c>--remove-filters</c>, and waits until its API answers with its control plane connected.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        if (IsRunning) throw new InvalidOperationException("netfenced is still running: kill or stop it before starting it again");
        _process?.Dispose();
        Log("[lab] starting netfenced again");
        _process = Spawn(["start", "--config", ConfigFile]);
        await WaitUntilConnectedAsync(cancellationToken);
    }
}

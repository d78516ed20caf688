using System.Runtime.Versioning;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Netfence.Bpf.Pinning;

namespace Netfence.Sandbox.Lab;

/// <summary>
/// A real netfenced as a child process, with everything of its own in scratch places: a data directory and API socket
/// in a temporary directory, a pin directory on bpffs named with the <c>nft</c> prefix, a random range of DNS ports,
/// the built-in control plane (no <c>control_plane.address</c>) reading <see cref="PolicyFile"/> or an external one, and
/// the given DNS upstreams. It is driven through its own CLI (<c>netfenced attach</c>, <c>stop</c>), as an operator would.
/// <see cref="DisposeAsync"/> stops it with <c>--remove-filters</c>; if that fails it is killed and its pins removed.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class NetfencedProcess : IAsyncDisposable
{
    static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(30);
    readonly IReadOnlyList<string> _command;
    readonly string _directory;
    readonly StreamWriter _log;
    Process? _process;

    NetfencedProcess(IReadOnlyList<string> command, string directory, string pinDirectory)
    {
        _command = command;
        _directory = directory;
        PinDirectory = pinDirectory;
        SocketPath = Path.Combine(directory, "api.sock");
        PolicyFile = Path.Combine(directory, "policy.yaml");
        LogPath = Path.Combine(directory, "netfenced.log");
        ConfigFile = Path.Combine(directory, "netfenced.yaml");
        _log = new StreamWriter(LogPath) { AutoFlush = true };
    }

    /// <summary>The API socket.</summary>
    public string SocketPath { get; }

    /// <summary>The policy file of the built-in control plane (netfenced reloads it when it changes).</summary>
    public string PolicyFile { get; }

    /// <summary>Where links and maps are pinned.</summary>
    public string PinDirectory { get; }

    /// <summary>netfenced's stdout and stderr.</summary>
    public string LogPath { get; }

    /// <summary>netfenced's configuration file (<c>start --config</c>).</summary>
    public string ConfigFile { get; }

    /// <summary>
    /// The command that runs netfenced from <paramref name="directory"/>: its apphost where published
    /// (artifacts/bin), else <c>dotnet exec netfenced.dll</c> (a build output directory).
    /// </summary>
    public static IReadOnlyList<string> Locate(string directory)
    {
        var apphost = Path.Combine(directory, "netfenced");
        if (File.Exists(apphost)) return [apphost];
        var dll = Path.Combine(directory, "netfenced.dll");
        if (File.Exists(dll)) return ["dotnet", "exec", dll];
        throw new FileNotFoundException($"netfenced is not in {directory} (neither netfenced nor netfenced.dll): build it first (./build.sh)");
    }

    /// <summary>
    /// Writes the configuration and <paramref name="policyYaml"/>, starts netfenced and waits until its API answers
    /// with its control plane connected. With <paramref name="controlPlaneAddress"/> (e.g. <c>unix:///path</c>) the
    /// daemon uses that control plane instead of the built-in one, and the policy file is written but unused.
    /// </summary>
    public static async Task<NetfencedProcess> StartAsync(IReadOnlyList<string> command, string policyYaml, IEnumerable<IPEndPoint> upstreams, CancellationToken cancellationToken,
        string? controlPlaneAddress = null)
    {
        var directory = Directory.CreateTempSubdirectory(UniqueName.Prefix + "-netfenced-").FullName;
        var pins = Path.Combine(BpfFs.EnsureMounted(), UniqueName.Next());
        var daemon = new NetfencedProcess(command, directory, pins);
        try
        {
            File.WriteAllText(daemon.PolicyFile, policyYaml);
            // A random stretch of ports below the ephemeral range keeps parallel daemons' DNS servers apart.
            int first = 20000 + Random.Shared.Next(0, 100) * 100;
            var controlPlane = controlPlaneAddress is null
                ? $"address: ~\n  policy_file: {daemon.PolicyFile}"
                : $"address: {controlPlaneAddress}";
            File.WriteAllText(daemon.ConfigFile, $"""
                socket:
                  path: {daemon.SocketPath}
                data_dir: {Path.Combine(directory, "data")}
                datapath:
                  pin_dir: {pins}
                dns:
                  port_range_start: {first}
                  port_range_end: {first + 99}
                  upstream_servers: [{string.Join(", ", upstreams.Select(u => $"\"{u}\""))}]
                control_plane:
                  {controlPlane}
                """);
            daemon._process = daemon.Spawn(["start", "--config", daemon.ConfigFile]);
            await daemon.WaitUntilConnectedAsync(cancellationToken);
            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
    }

    // The API answers before the control plane has finished connecting; attach needs it connected.
    async Task WaitUntilConnectedAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartDeadline;
        while (true)
        {
            var status = await CliAsync(cancellationToken, "status", "--wait", StartDeadline.TotalSeconds.ToString(), "--json");
            using var json = JsonDocument.Parse(status);
            var state = json.RootElement.GetProperty("controlPlaneState").GetString();
            if (state == "CONNECTION_STATE_CONNECTED") return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"netfenced answers but its control plane is still {state} after {StartDeadline.TotalSeconds:0} s; its log: {LogTail()}");
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The attachment <c>netfenced attach</c> made: its id and its DNS server's address.</summary>
    public sealed record Attachment(string Id, IPEndPoint Dns);

    /// <summary><c>netfenced attach --cgroup PATH --metadata ...</c>.</summary>
    public Task<Attachment> AttachCgroupAsync(string cgroupPath, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        AttachAsync(["--cgroup", cgroupPath], metadata, cancellationToken);

    /// <summary><c>netfenced attach --interface NAME --dns-listen ADDRESS:53 --metadata ...</c>.</summary>
    public Task<Attachment> AttachInterfaceAsync(string device, IPAddress dnsListen, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        AttachAsync(["--interface", device, "--dns-listen", $"{dnsListen}:53"], metadata, cancellationToken);

    async Task<Attachment> AttachAsync(string[] target, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var output = await CliAsync(cancellationToken, ["attach", .. target, "--metadata", string.Join(',', metadata.Select(m => $"{m.Key}={m.Value}")), "--json"]);
        using var json = JsonDocument.Parse(output);
        return new Attachment(json.RootElement.GetProperty("id").GetString()!, IPEndPoint.Parse(json.RootElement.GetProperty("dnsAddress").GetString()!));
    }

    /// <summary>The last lines of netfenced's log, for error messages.</summary>
    public string LogTail(int lines = 15)
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', all.TakeLast(lines));
    }

    /// <summary>Runs a netfenced CLI command against this daemon's socket; returns its stdout, or throws with its stderr.</summary>
    public async Task<string> CliAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var process = Spawn(["--socket", SocketPath, .. args], captureOutput: true);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(StartDeadline + StopDeadline, cancellationToken);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`netfenced {string.Join(' ', args)}` exited {process.ExitCode}: {(await stderr).Trim()} {(await stdout).Trim()}");
        return await stdout;
    }

    Process Spawn(IEnumerable<string> args, bool captureOutput = false)
    {
        // The daemon runs in its own session (setsid execs it, same pid): a Ctrl-C on the caller's terminal reaches the
        // caller only, which then stops the daemon in order (stop --remove-filters) instead of racing its signal.
        IEnumerable<string> command = captureOutput ? _command : ["setsid", .. _command];
        var start = new ProcessStartInfo(command.First()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in command.Skip(1).Concat(args)) start.ArgumentList.Add(arg);
        // Only this file configures this daemon: NETFENCE_* variables of the caller's environment would override it.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("NETFENCE_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        start.Environment["NO_COLOR"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {_command[0]}");
        if (!captureOutput)
        {
            process.OutputDataReceived += (_, e) => Log(e.Data);
            process.ErrorDataReceived += (_, e) => Log(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        return process;
    }

    void Log(string? line)
    {
        if (line is null) return;
        lock (_log) _log.WriteLine(line);
    }

    /// <summary>Whether the daemon process is still running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Stops netfenced with <c>netfenced stop --remove-filters</c> and waits for it to exit; returns false (after killing
    /// it and removing its pins, which detaches its filters) when that did not work.
    /// </summary>
    public async Task<bool> StopAsync()
    {
        if (_process is null) return true;
        bool clean = false;
        if (!_process.HasExited)
        {
            try
            {
                using var deadline = new CancellationTokenSource(StopDeadline);
                await CliAsync(deadline.Token, "stop", "--remove-filters");
                await _process.WaitForExitAsync(deadline.Token);
                clean = _process.ExitCode == 0;
            }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or TimeoutException)
            {
                Log($"[lab] stopping netfenced failed: {e.Message}");
            }
        }
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        return clean;
    }

    /// <summary>Stops netfenced (see <see cref="StopAsync"/>) and removes its pins and scratch directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _process?.Dispose();
            // After a clean stop only the empty directory is left; after a kill, removing the link pins detaches the filters.
            Bpf.Pinning.PinDirectory.Remove(PinDirectory);
            lock (_log) _log.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Netfence.Daemon.Cli;
using Netfence.KernelTesting;
using Netfence.Protocol.V1;
using Netfence.Sandbox;

namespace Netfence.Daemon.KernelTests.Processes;

/// <summary>
/// A real netfenced process (<c>netfenced start</c>) with a scratch store, API socket and bpffs pin directory, and its
/// output kept for assertions. Dispose stops it with --remove-filters when it still answers, kills it otherwise, and
/// removes the pins and the scratch directory either way.
/// </summary>
sealed class NetfencedProcess : IAsyncDisposable
{
    readonly PinScratch pins;
    readonly Process process;
    readonly GrpcChannel channel;

    NetfencedProcess(string root, PinScratch pins, Process process)
    {
        Root = root;
        this.pins = pins;
        this.process = process;
        channel = DaemonClient.Channel(SocketPath);
        Client = DaemonClient.For(channel);
    }

    /// <summary>The scratch directory given to <see cref="StartAsync"/>, removed on dispose: socket, store, config.</summary>
    public string Root { get; }

    public string SocketPath => Path.Combine(Root, "api.sock");

    public string PinDirectory => pins.Path;

    public DaemonService.DaemonServiceClient Client { get; }

    /// <summary>Every line netfenced wrote to stdout or stderr so far.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>A directory for a test's own files next to the daemon's, removed with it.</summary>
    public static string NewScratchDirectory()
    {
        var root = Path.Combine("/tmp", UniqueName.Next());
        Directory.CreateDirectory(root);
        return root;
    }

    /// <summary>
    /// Starts netfenced in <paramref name="root"/> (from <see cref="NewScratchDirectory"/>) connecting to
    /// <paramref name="controlPlaneAddress"/>, or running the built-in control plane with <paramref name="policyFile"/>
    /// when the address is null; <paramref name="extraControlPlane"/> adds lines under control_plane:, and
    /// <paramref name="extraDns"/> under dns:, and <paramref name="extraSections"/> whole top-level sections (e.g. log:).
    /// <paramref name="dnsPorts"/> is the DNS port range (default 31000–31999, shared by the tests that do not care).
    /// Returns once its API answers.
    /// </summary>
    public static async Task<NetfencedProcess> StartAsync(string root, string? controlPlaneAddress, string? policyFile = null,
        string extraControlPlane = "", string extraDns = "", string extraSections = "", (int Start, int End)? dnsPorts = null)
    {
        var (portStart, portEnd) = dnsPorts ?? (31000, 31999);
        var pins = new PinScratch();
        var config = Path.Combine(root, "netfenced.yaml");
        File.WriteAllText(config, $"""
            socket:
              path: {Path.Combine(root, "api.sock")}
            data_dir: {Path.Combine(root, "data")}
            datapath:
              pin_dir: {pins.Path}
            dns:
              port_range_start: {portStart}
              port_range_end: {portEnd}
            {Indent(extraDns)}
            control_plane:
              address: {controlPlaneAddress ?? "~"}
              policy_file: {policyFile ?? "~"}
              reconnect_backoff_initial: 100ms
              reconnect_backoff_max: 1s
            {Indent(extraControlPlane)}
            {extraSections}
            """);
        var dll = Path.Combine(AppContext.BaseDirectory, "netfenced.dll");
        var info = new ProcessStartInfo("dotnet", ["exec", dll, "start", "--config", config]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(info)!;
        var daemon = new NetfencedProcess(root, pins, process);
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) daemon.Output.Enqueue(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) daemon.Output.Enqueue(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await daemon.WaitForApiAsync();
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
        return daemon;
    }

    static string Indent(string lines) => string.Join("\n", lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  " + l.Trim()));

    async Task<DaemonStatus> WaitForApiAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                process.WaitForExit(); // without a timeout it also waits for the redirected output to be read to its end
                throw new InvalidOperationException($"netfenced exited ({process.ExitCode}) while starting:\n{string.Join('\n', Output)}");
            }
            try
            {
                return await Client.GetStatusAsync(new Empty());
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Polls GetStatus until the control-plane link is in <paramref name="state"/>.</summary>
    public async Task WaitForControlPlaneAsync(ConnectionState state, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while ((await Client.GetStatusAsync(new Empty())).ControlPlaneState != state)
        {
            if (DateTime.UtcNow > end) throw new TimeoutException($"netfenced's control-plane link is not {state} after {timeout.TotalSeconds} s; its output:\n{string.Join('\n', Output.TakeLast(30))}");
            await Task.Delay(20);
        }
    }

    /// <summary>Every entry of every pinned map, as bytes.</summary>
    public SortedDictionary<string, string> MapContents() => PinnedMaps.Contents(pins.Path);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                try
                {
                    await Client.ShutdownAsync(new ShutdownRequest { RemoveFilters = true }, deadline: DateTime.UtcNow.AddSeconds(30));
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (Exception e) when (e is Grpc.Core.RpcException or TimeoutException)
                {
                }
                if (!process.HasExited)
                {
                    process.Kill();
                    await process.WaitForExitAsync();
                }
            }
        }
        finally
        {
            channel.Dispose();
            process.Dispose();
            // Unpinning releases every link the daemon left: nothing of the test stays attached.
            pins.Dispose();
            Directory.Delete(Root, recursive: true);
        }
    }
}

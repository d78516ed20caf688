using System.Collections.Concurrent;
using System.Diagnostics;

namespace Netfence.Daemon.KernelTests.Processes;

/// <summary>
/// <c>netfenced controlplane --policy FILE --listen SOCKET</c> as its own process, which a test can kill -9 and start
/// again on the same socket and policy.
/// </summary>
sealed class ControlPlaneProcess : IAsyncDisposable
{
    readonly string policyFile;
    Process? process;

    public ControlPlaneProcess(string policyFile, string socketPath)
    {
        this.policyFile = policyFile;
        SocketPath = socketPath;
    }

    public string SocketPath { get; }

    /// <summary>The address for netfenced's control_plane.address.</summary>
    public string Address => "unix://" + SocketPath;

    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>Starts the process and returns once its socket accepts connections.</summary>
    public async Task StartAsync()
    {
        if (process is { HasExited: false }) throw new InvalidOperationException("the control plane is already running");
        Output.Clear();
        var dll = Path.Combine(AppContext.BaseDirectory, "netfenced.dll");
        var info = new ProcessStartInfo("dotnet", ["exec", dll, "controlplane", "--policy", policyFile, "--listen", SocketPath]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var started = Process.Start(info)!;
        started.OutputDataReceived += (_, e) => { if (e.Data is { } line) Output.Enqueue(line); };
        started.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Output.Enqueue(line); };
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!Output.Any(l => l.Contains("control plane serving")))
        {
            if (started.HasExited) throw new InvalidOperationException($"netfenced controlplane exited ({started.ExitCode}):\n{string.Join('\n', Output)}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"netfenced controlplane did not serve within 60 s:\n{string.Join('\n', Output)}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: no goodbye on any stream, the socket file left behind.</summary>
    public async Task KillAsync()
    {
        var running = process ?? throw new InvalidOperationException("the control plane was never started");
        running.Kill();
        await running.WaitForExitAsync();
        running.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null) await KillAsync();
    }
}

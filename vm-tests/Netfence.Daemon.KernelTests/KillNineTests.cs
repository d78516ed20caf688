using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using Netfence.Daemon.Cli;
using Netfence.KernelTesting;
using Netfence.Protocol.V1;
using Netfence.Sandbox;

namespace Netfence.Daemon.KernelTests;

/// <summary>Pitfall 10: kill -9 of netfenced under traffic changes nothing that the workload can see.</summary>
public sealed class KillNineTests
{
    // A workload that connects to the allowed and the blocked address in turn and prints one line per attempt.
    static string Workload(int port, double seconds) => $$"""
        import socket, time
        end = time.time() + {{seconds}}
        while time.time() < end:
            for address in ('127.0.0.1', '127.0.0.2'):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(2)
                try:
                    s.connect((address, {{port}}))
                    print(address, 'connected', flush=True)
                except PermissionError:
                    print(address, 'denied', flush=True)
                except OSError as e:
                    print(address, 'error', e, flush=True)
                finally:
                    s.close()
            time.sleep(0.02)
        """;

    internal static Process StartNetfenced(string config)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "netfenced.dll");
        var info = new ProcessStartInfo("dotnet", ["exec", dll, "start", "--config", config]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task<DaemonStatus> WaitForApiAsync(string socket, Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            Assert.False(process.HasExited, "netfenced exited while starting");
            using var channel = DaemonClient.Channel(socket);
            try
            {
                return await DaemonClient.For(channel).GetStatusAsync(new Empty());
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    [KernelFact]
    public async Task Killing_the_daemon_under_traffic_keeps_allowed_flows_flowing_and_blocked_ones_blocked_and_a_restart_restores_the_same_state()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 0));
        listener.Listen(512);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        // Accept and drop connections so the backlog never fills during the run.
        using var stopAccepting = new CancellationTokenSource();
        var acceptor = Task.Run(async () =>
        {
            try
            {
                while (true) (await listener.AcceptAsync(stopAccepting.Token)).Dispose();
            }
            catch (OperationCanceledException)
            {
            }
        });
        using var cgroup = new SandboxCgroup();

        // The attachment is made through a daemon with a control plane (its rules: 127.0.0.1 only), then served by a
        // netfenced process that adopts it. Its control plane is unreachable, so nothing but the adoption (and the
        // kill) could change what the kernel enforces.
        await using var setup = await KernelDaemon.StartAsync(new AckingControlPlane(AckingControlPlane.Allowlist("127.0.0.1/32")));
        var attached = await setup.Client.AttachAsync(new AttachRequest { CgroupPath = cgroup.Path });
        var listBefore = await setup.Client.ListAsync(new ListRequest());
        await setup.StopAsync();
        var mapsBefore = setup.MapContents();
        var config = setup.WriteConfigFile(setup.UnreachableControlPlane);
        var socket = setup.Configuration.Socket.Path;

        var daemon = StartNetfenced(config);
        Process? restarted = null;
        try
        {
            await WaitForApiAsync(socket, daemon);
            var traffic = Task.Run(() => cgroup.Run("python3", "-c", Workload(port, 6)));
            await Task.Delay(1500);
            daemon.Kill();                       // SIGKILL: no cleanup of any kind
            await daemon.WaitForExitAsync();
            var result = await traffic;
            Assert.Equal(0, result.ExitCode);
            var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length > 20, $"too few attempts: {result.StdOut}");
            Assert.All(lines.Where(l => l.StartsWith("127.0.0.1 ")), l => Assert.Equal("127.0.0.1 connected", l));
            Assert.All(lines.Where(l => l.StartsWith("127.0.0.2 ")), l => Assert.Equal("127.0.0.2 denied", l));
            Assert.Equal(mapsBefore, setup.MapContents());

            // A restart after the kill: same attachments, same kernel state, the stale socket replaced.
            restarted = StartNetfenced(config);
            var status = await WaitForApiAsync(socket, restarted);
            Assert.Equal(1, status.AttachmentCount);
            using var channel = DaemonClient.Channel(socket);
            var listAfter = await DaemonClient.For(channel).ListAsync(new ListRequest());
            Assert.Equal(attached.Id, listAfter.Attachments.Single().Id);
            Assert.Equal(listBefore.Attachments.Single().Target, listAfter.Attachments.Single().Target);
            Assert.Equal(listBefore.Attachments.Single().Mode, listAfter.Attachments.Single().Mode);
            Assert.Equal(mapsBefore, setup.MapContents());
            await DaemonClient.For(channel).ShutdownAsync(new ShutdownRequest());
            await restarted.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, restarted.ExitCode);
        }
        finally
        {
            if (!daemon.HasExited) daemon.Kill();
            if (restarted is { HasExited: false }) restarted.Kill();
            stopAccepting.Cancel();
            await acceptor;
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using Netfence.Bpf.Features;
using Netfence.Bpf.Links;
using Netfence.Bpf.Netlink;
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
    [KernelTheory]
    [KernelInlineData("tcx", Requires = nameof(KernelFeatures.TcxLinks))]
    [KernelInlineData("netlink")]
    public async Task Killing_the_daemon_keeps_an_interface_filtered_and_a_restart_adopts_the_same_filter(string tcAttach)
    {
        using var workload = new SandboxNamespace();
        var hostSide = UniqueName.Next();
        var workloadSide = UniqueName.Next();
        Command.Run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", workloadSide, "netns", workload.Name);
        try
        {
            // Two host addresses behind the device: .1 allowed, .3 not.
            Command.Run("ip", "addr", "add", "10.79.1.1/24", "dev", hostSide);
            Command.Run("ip", "addr", "add", "10.79.1.3/24", "dev", hostSide);
            Command.Run("ip", "link", "set", hostSide, "up");
            Command.Run("ip", "-n", workload.Name, "addr", "add", "10.79.1.2/24", "dev", workloadSide);
            Command.Run("ip", "-n", workload.Name, "link", "set", workloadSide, "up");
            int ifindex;
            using (var netlink = NetlinkSocket.Open()) ifindex = netlink.GetInterfaceIndex(hostSide);

            await using var setup = await KernelDaemon.StartAsync(new AckingControlPlane(AckingControlPlane.Allowlist("10.79.1.1/32")), tcAttach);
            var attached = await setup.Client.AttachAsync(new AttachRequest { InterfaceName = hostSide });
            var program = DaemonTrafficTests.FilterProgram(setup, attached.Id, ifindex, tcAttach);
            await setup.StopAsync();
            var mapsBefore = setup.MapContents();
            var config = setup.WriteConfigFile(setup.UnreachableControlPlane);
            var socket = setup.Configuration.Socket.Path;

            var daemon = StartNetfenced(config);
            Process? restarted = null;
            try
            {
                await WaitForApiAsync(socket, daemon);
                // Probes run before, across and after the kill; every one must see the same verdicts.
                using var killed = new ManualResetEventSlim();
                var probes = Task.Run(() =>
                {
                    var seen = new List<string>();
                    var end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
                    int afterKill = 0;
                    while (afterKill < 3 && DateTime.UtcNow < end)
                    {
                        bool wasKilled = killed.IsSet;
                        seen.Add($"allowed {(DaemonTrafficTests.UdpArrives(workload, "10.79.1.1", 5401, Traffic.PassTimeout) ? "arrived" : "dropped")}");
                        seen.Add($"blocked {(DaemonTrafficTests.UdpArrives(workload, "10.79.1.3", 5401, TimeSpan.FromMilliseconds(400)) ? "arrived" : "dropped")}");
                        if (wasKilled) afterKill++;
                    }
                    return seen;
                });
                await Task.Delay(1000);
                daemon.Kill();                       // SIGKILL: no cleanup of any kind
                await daemon.WaitForExitAsync();
                killed.Set();
                var seen = await probes;
                Assert.True(seen.Count >= 6, string.Join(", ", seen));
                Assert.All(seen.Where(l => l.StartsWith("allowed ")), l => Assert.Equal("allowed arrived", l));
                Assert.All(seen.Where(l => l.StartsWith("blocked ")), l => Assert.Equal("blocked dropped", l));
                Assert.Equal(mapsBefore, setup.MapContents());
                Assert.Equal(program, DaemonTrafficTests.FilterProgram(setup, attached.Id, ifindex, tcAttach));

                // A restart after the kill adopts the filter as it is: same program on the device, same maps.
                restarted = StartNetfenced(config);
                Assert.Equal(1, (await WaitForApiAsync(socket, restarted)).AttachmentCount);
                Assert.Equal(program, DaemonTrafficTests.FilterProgram(setup, attached.Id, ifindex, tcAttach));
                Assert.Equal(mapsBefore, setup.MapContents());
                Assert.False(DaemonTrafficTests.UdpArrives(workload, "10.79.1.3", 5401, Traffic.DropTimeout));

                // Detach through the restarted daemon removes the filter it adopted.
                using var channel = DaemonClient.Channel(socket);
                await DaemonClient.For(channel).DetachAsync(new DetachRequest { Id = attached.Id });
                Assert.True(DaemonTrafficTests.UdpArrives(workload, "10.79.1.3", 5401, Traffic.PassTimeout));
                Assert.Empty(TcFilterAttachment.Find(ifindex, TcDirection.Ingress, "netfence-" + attached.Id));
                await DaemonClient.For(channel).ShutdownAsync(new ShutdownRequest());
                await restarted.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(0, restarted.ExitCode);
            }
            finally
            {
                if (!daemon.HasExited) daemon.Kill();
                if (restarted is { HasExited: false }) restarted.Kill();
            }
        }
        finally
        {
            Command.Try("ip", "link", "del", hostSide);
        }
    }
}

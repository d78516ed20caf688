using Google.Protobuf.WellKnownTypes;
using Netfence.Daemon.Cli;
using Netfence.Daemon.KernelTests.Processes;
using Netfence.KernelTesting;
using Netfence.Protocol.V1;
using Netfence.Sandbox;

namespace Netfence.Daemon.KernelTests;

/// <summary>netfenced without control_plane.address takes its rules from the built-in control plane it runs itself.</summary>
public sealed class EmbeddedControlPlaneTests
{
    [KernelFact]
    public async Task A_netfenced_without_a_control_plane_address_enforces_its_policy_file_through_the_in_process_control_plane()
    {
        using var cgroup = new SandboxCgroup();
        // Only for its scratch store, pins and socket: the netfenced process below is the daemon under test.
        await using var scratch = await KernelDaemon.StartAsync(new AckingControlPlane(AckingControlPlane.Allowlist()));
        await scratch.StopAsync();
        var policy = Path.Combine(scratch.ScratchDirectory, "policy.yaml");
        File.WriteAllText(policy, CidrAllowlistPolicy.Yaml("127.0.0.1/32"));
        var socket = scratch.Configuration.Socket.Path;
        var daemon = KillNineTests.StartNetfenced(scratch.WriteConfigFile(policyFile: policy));
        try
        {
            var status = await KillNineTests.WaitForApiAsync(socket, daemon);
            Assert.Equal(ConnectionState.Connected, status.ControlPlaneState);
            Assert.StartsWith("unix://" + scratch.Configuration.DataDirectory, status.ControlPlaneAddress);
            using var channel = DaemonClient.Channel(socket);
            var client = DaemonClient.For(channel);

            await client.AttachAsync(new AttachRequest { CgroupPath = cgroup.Path });

            Assert.DoesNotContain("Operation not permitted", cgroup.Run("python3", "-c", Tcp("127.0.0.1", 9)).StdErr);
            Assert.Contains("Operation not permitted", cgroup.Run("python3", "-c", Tcp("127.0.0.2", 9)).StdErr);
            await client.ShutdownAsync(new ShutdownRequest { RemoveFilters = true });
            await daemon.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, daemon.ExitCode);
        }
        finally
        {
            if (!daemon.HasExited) daemon.Kill();
        }
    }

    // Port 9 (discard) has no listener: an allowed connect is refused by the peer, a filtered one by the filter (EPERM).
    static string Tcp(string address, int port) =>
        $"import socket; s=socket.socket(); s.settimeout(3); s.connect(('{address}', {port}))";
}

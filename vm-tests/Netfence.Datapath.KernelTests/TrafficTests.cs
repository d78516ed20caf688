using System.Net;
using Netfence.Bpf.Features;
using Netfence.Bpf.Links;
using Netfence.KernelTesting;
using Netfence.Policy.Modes;
using Netfence.Sandbox;

namespace Netfence.Datapath.KernelTests;

/// <summary>Real traffic through the C reference attached with Netfence.Datapath.</summary>
public sealed class TrafficTests
{
    private static int Ifindex(SandboxNamespace ns, string device) =>
        int.Parse(ns.Run("cat", $"/sys/class/net/{device}/ifindex").Trim());

    [KernelTheory]
    [KernelInlineData(TcAttachMode.Tcx, Requires = nameof(KernelFeatures.TcxLinks))]
    [InlineData(TcAttachMode.Netlink)]
    public void Tc_ingress_on_the_host_side_device_filters_the_workloads_outbound_traffic(TcAttachMode mode)
    {
        using var f = new DatapathFixture();
        using var workload = new SandboxNamespace();
        using var host = new SandboxNamespace();
        using var veth = new VethPair(workload, "10.77.0.2", host, "10.77.0.1");
        var target = AttachmentTarget.Interface(Ifindex(host, veth.SecondName));
        f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["10.77.0.1/32"]), new AttachmentSettings());
        var attachment = f.Programs.AttachInterface((int)target.Id, new TcAttachOptions { Mode = mode, NamespacePath = host.Path });
        try
        {
            Assert.True(Traffic.UdpArrives(workload, host, "10.77.0.1", 5300, Traffic.PassTimeout));
            Assert.True(Traffic.TcpConnects(workload, host, "10.77.0.1", 5301, Traffic.PassTimeout));

            f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["10.77.0.0/24"], ["10.77.0.1/32"]), new AttachmentSettings());
            Assert.False(Traffic.UdpArrives(workload, host, "10.77.0.1", 5300, Traffic.DropTimeout));
            Assert.False(Traffic.TcpConnects(workload, host, "10.77.0.1", 5301, Traffic.DropTimeout));

            f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Denylist, deny: ["192.0.2.0/24"]), new AttachmentSettings());
            Assert.True(Traffic.UdpArrives(workload, host, "10.77.0.1", 5300, Traffic.PassTimeout));
            Assert.True(f.Writer.Counters(target).Blocked > 0);
        }
        finally
        {
            attachment.Detach();
            attachment.Dispose();
        }
    }

    private static Command.Result Python(SandboxCgroup cgroup, string script) => cgroup.Run("python3", "-c", script);

    private static string Udp(string family, string address, int port) =>
        $"import socket; s=socket.socket(socket.{family}, socket.SOCK_DGRAM); s.sendto(b'x', ('{address}', {port}))";

    private static string Tcp(string family, string address, int port) =>
        $"import socket; s=socket.socket(socket.{family}, socket.SOCK_STREAM); s.connect(('{address}', {port}))";

    [KernelFact]
    public void Cgroup_hooks_filter_tcp_connected_and_unconnected_udp_ipv6_and_mapped_ipv6()
    {
        using var f = new DatapathFixture();
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetworkV6, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { DualMode = true };
        listener.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        listener.Listen(16);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        string cgroupPath;
        using (var cgroup = new SandboxCgroup())
        {
            cgroupPath = cgroup.Path;
            var target = AttachmentTarget.Cgroup(cgroup.Path);
            f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["127.0.0.1/32", "::1/128"], ["127.0.0.2/32"]), new AttachmentSettings());
            var attachments = f.Programs.AttachCgroup(cgroup.Path);
            try
            {
                Assert.Equal(0, Python(cgroup, Tcp("AF_INET", "127.0.0.1", port)).ExitCode);
                Assert.Equal(0, Python(cgroup, Tcp("AF_INET6", "::1", port)).ExitCode);
                Assert.Equal(0, Python(cgroup, Tcp("AF_INET6", "::ffff:127.0.0.1", port)).ExitCode);
                Assert.Equal(0, Python(cgroup, Udp("AF_INET", "127.0.0.1", port)).ExitCode);

                var denied = Python(cgroup, Tcp("AF_INET", "127.0.0.2", port));
                Assert.Contains("Operation not permitted", denied.StdErr);
                Assert.Contains("Operation not permitted", Python(cgroup, Tcp("AF_INET6", "::ffff:127.0.0.2", port)).StdErr);
                Assert.Contains("Operation not permitted", Python(cgroup, Udp("AF_INET", "127.0.0.2", port)).StdErr);
                Assert.Contains("Operation not permitted", Python(cgroup, Udp("AF_INET6", "::ffff:127.0.0.3", port)).StdErr);

                f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.BlockAll), new AttachmentSettings());
                Assert.Contains("Operation not permitted", Python(cgroup, Tcp("AF_INET", "127.0.0.1", port)).StdErr);
                Assert.Contains("Operation not permitted", Python(cgroup, Udp("AF_INET6", "::1", port)).StdErr);

                f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.BlockAll), new AttachmentSettings { LoopbackAllowed = true });
                Assert.Equal(0, Python(cgroup, Tcp("AF_INET", "127.0.0.1", port)).ExitCode);
                // A process outside the cgroup is not affected.
                Assert.Equal(0, Command.Try("python3", "-c", Tcp("AF_INET", "127.0.0.2", port)).ExitCode);
            }
            finally
            {
                foreach (var a in attachments)
                {
                    a.Detach();
                    a.Dispose();
                }
                f.Writer.Remove(target);
            }
        }
        Leftovers.AssertCgroupGone(cgroupPath);
    }
}

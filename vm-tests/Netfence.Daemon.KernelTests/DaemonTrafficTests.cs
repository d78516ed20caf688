using System.Net;
using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using Netfence.Bpf.Features;
using Netfence.Bpf.Links;
using Netfence.Bpf.Netlink;
using Netfence.KernelTesting;
using Netfence.Protocol.V1;
using Netfence.Sandbox;

namespace Netfence.Daemon.KernelTests;

/// <summary>netfenced attached through its API to real targets, with real traffic, across a restart.</summary>
public sealed class DaemonTrafficTests
{
    static string Tcp(string address, int port) =>
        $"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_STREAM); s.settimeout(3); s.connect(('{address}', {port}))";

    static bool Connects(SandboxCgroup cgroup, string address, int port)
    {
        var result = cgroup.Run("python3", "-c", Tcp(address, port));
        if (result.ExitCode != 0 && !result.StdErr.Contains("Operation not permitted"))
            throw new InvalidOperationException($"connect to {address}:{port} failed for another reason than the filter: {result.StdErr}");
        return result.ExitCode == 0;
    }

    [KernelFact]
    public async Task A_cgroup_attached_through_the_api_enforces_the_acked_rules_through_commands_restart_and_detach()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 0));
        listener.Listen(64);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var cgroup = new SandboxCgroup();
        await using var daemon = await KernelDaemon.StartAsync(new AckingControlPlane(AckingControlPlane.Allowlist("127.0.0.1/32")));

        // Given in full and with a trailing slash: stored canonically, relative to the cgroup2 mount.
        var attached = await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = cgroup.Path + "/", Metadata = { ["vm"] = "k1" } });
        var relative = "/" + Path.GetFileName(cgroup.Path);
        Assert.True(Connects(cgroup, "127.0.0.1", port));
        Assert.False(Connects(cgroup, "127.0.0.2", port));

        var listed = (await daemon.Client.ListAsync(new ListRequest())).Attachments.Single();
        Assert.Equal(relative, listed.Target);
        Assert.Equal(PolicyMode.Allowlist, listed.Mode);
        Assert.True(listed.PacketsBlocked > 0 || listed.PacketsAllowed > 0);
        Assert.Equal(1, (await daemon.Client.GetStatusAsync(new Empty())).AttachmentCount);
        Assert.Equal(5, Directory.GetFiles(Path.Combine(daemon.PinDirectory, "links", attached.Id)).Length);

        var command = await daemon.Link.Host.ApplyAsync(new ControlCommand { Id = attached.Id, AllowCidr = new CIDREntry { Cidr = "127.0.0.2/32" } }, CancellationToken.None);
        Assert.Equal(CommandStatus.Ack, command.Status);
        Assert.True(Connects(cgroup, "127.0.0.2", port));

        // Stopped: the pinned filter keeps enforcing. Started again: adopted as it was, nothing rewritten.
        var before = daemon.MapContents();
        var listBefore = (await daemon.Client.ListAsync(new ListRequest())).Attachments.Select(a => a.Clone()).ToList();
        await daemon.StopAsync();
        Assert.True(Connects(cgroup, "127.0.0.2", port));
        Assert.False(Connects(cgroup, "127.0.0.3", port));
        await daemon.StartAgainAsync();
        Assert.Equal(attached.Id, Assert.Single(daemon.Host.Restored.Unchanged));
        Assert.Empty(daemon.Host.Restored.Repaired);
        Assert.Equal(before, daemon.MapContents());
        var listAfter = (await daemon.Client.ListAsync(new ListRequest())).Attachments.ToList();
        foreach (var a in listBefore.Concat(listAfter))
        {
            // Counters move with traffic, and DNS counters restart with the process; everything else must be equal.
            a.PacketsAllowed = a.PacketsBlocked = a.DnsQueriesAllowed = a.DnsQueriesBlocked = 0;
        }
        Assert.Equal(listBefore, listAfter);
        Assert.False(Connects(cgroup, "127.0.0.3", port));

        await daemon.Client.DetachAsync(new DetachRequest { Id = attached.Id });
        Assert.True(Connects(cgroup, "127.0.0.3", port));
        Assert.False(Directory.Exists(Path.Combine(daemon.PinDirectory, "links", attached.Id)));
    }

    [KernelTheory]
    [KernelInlineData("tcx", Requires = nameof(KernelFeatures.TcxLinks))]
    [KernelInlineData("netlink")]
    public async Task An_interface_attached_through_the_api_filters_the_workloads_outbound_traffic_on_its_ingress_through_restart_and_detach(string tcAttach)
    {
        using var workload = new SandboxNamespace();
        var hostSide = UniqueName.Next();
        var workloadSide = UniqueName.Next();
        Command.Run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", workloadSide, "netns", workload.Name);
        try
        {
            Command.Run("ip", "addr", "add", "10.79.0.1/24", "dev", hostSide);
            Command.Run("ip", "link", "set", hostSide, "up");
            Command.Run("ip", "-n", workload.Name, "addr", "add", "10.79.0.2/24", "dev", workloadSide);
            Command.Run("ip", "-n", workload.Name, "link", "set", workloadSide, "up");
            await using var daemon = await KernelDaemon.StartAsync(new AckingControlPlane(AckingControlPlane.Allowlist("10.79.0.1/32")), tcAttach);

            var attached = await daemon.Client.AttachAsync(new AttachRequest { InterfaceName = hostSide });
            Assert.True(UdpArrives(workload, "10.79.0.1", 5400, Traffic.PassTimeout));
            int ifindex;
            using (var netlink = NetlinkSocket.Open()) ifindex = netlink.GetInterfaceIndex(hostSide);
            var filterProgram = FilterProgram(daemon, attached.Id, ifindex, tcAttach);

            var update = new ControlCommand { Id = attached.Id, BulkUpdate = new BulkUpdate { Mode = PolicyMode.Allowlist } };
            update.BulkUpdate.AllowCidrs.Add(new CIDREntry { Cidr = "192.0.2.0/24" });
            Assert.Equal(CommandStatus.Ack, (await daemon.Link.Host.ApplyAsync(update, CancellationToken.None)).Status);
            Assert.False(UdpArrives(workload, "10.79.0.1", 5400, Traffic.DropTimeout));
            var listed = (await daemon.Client.ListAsync(new ListRequest())).Attachments.Single();
            Assert.Equal(hostSide, listed.Target);
            Assert.Equal(AttachmentType.Tc, listed.Type);
            Assert.True(listed.PacketsBlocked > 0);

            // Stopped: the filter (a pinned TCX link, or a cls_bpf filter that holds its program) keeps enforcing.
            // Started again: adopted as it was, the same program on the device, nothing rewritten.
            var before = daemon.MapContents();
            await daemon.StopAsync();
            Assert.False(UdpArrives(workload, "10.79.0.1", 5400, Traffic.DropTimeout));
            await daemon.StartAgainAsync();
            Assert.Equal(attached.Id, Assert.Single(daemon.Host.Restored.Unchanged));
            Assert.Empty(daemon.Host.Restored.Repaired);
            Assert.Equal(before, daemon.MapContents());
            Assert.Equal(filterProgram, FilterProgram(daemon, attached.Id, ifindex, tcAttach));
            Assert.False(UdpArrives(workload, "10.79.0.1", 5400, Traffic.DropTimeout));

            await daemon.Client.DetachAsync(new DetachRequest { Id = attached.Id });
            Assert.True(UdpArrives(workload, "10.79.0.1", 5400, Traffic.PassTimeout));
            Assert.False(Directory.Exists(Path.Combine(daemon.PinDirectory, "links", attached.Id)));
            // Nothing of ours stays on the device: no filter, and no clsact qdisc (netfenced made it).
            using var socket = NetlinkSocket.Open();
            Assert.DoesNotContain(socket.ListQdiscs(ifindex), q => q.Kind == "clsact");
        }
        finally
        {
            Command.Try("ip", "link", "del", hostSide);
        }
    }

    // The id of the program filtering the device's ingress, after checking that it is attached the way tcAttach says:
    // a pinned TCX link, or a cls_bpf filter named after the attachment with its record in the pin directory.
    internal static uint FilterProgram(KernelDaemon daemon, string id, int ifindex, string tcAttach)
    {
        var directory = Path.Combine(daemon.PinDirectory, "links", id);
        if (tcAttach == "netlink")
        {
            var record = new FileInfo(Path.Combine(directory, "tc-filter")).LinkTarget;
            Assert.NotNull(record);
            Assert.Contains($"ifindex={ifindex} ", record);
            var filter = Assert.Single(TcFilterAttachment.Find(ifindex, TcDirection.Ingress, "netfence-" + id));
            Assert.DoesNotContain(Directory.GetFiles(directory), f => Path.GetFileName(f) != "tc-filter");
            return filter.ProgramId() ?? throw new InvalidOperationException("the filter runs no program");
        }
        var pin = Assert.Single(Directory.GetFiles(directory));
        using var link = Bpf.Pinning.ObjectPin.OpenLink(pin);
        using var socket = NetlinkSocket.Open();
        Assert.DoesNotContain(socket.ListQdiscs(ifindex), q => q.Kind == "clsact");
        return Bpf.Info.ObjectInfo.Link(link).ProgramId;
    }

    // Datagrams from the workload's namespace to a socket in this (the daemon's) namespace.
    internal static bool UdpArrives(SandboxNamespace from, string address, int port, TimeSpan timeout)
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Parse(address), port));
        using var sender = NetworkNamespace.Run(from.Path, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        var payload = "netfenced"u8.ToArray();
        var buffer = new byte[64];
        var end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end)
        {
            sender.SendTo(payload, new IPEndPoint(IPAddress.Parse(address), port));
            if (receiver.Poll(TimeSpan.FromMilliseconds(200), SelectMode.SelectRead))
                return buffer.AsSpan(0, receiver.Receive(buffer)).SequenceEqual(payload);
        }
        return false;
    }
}
